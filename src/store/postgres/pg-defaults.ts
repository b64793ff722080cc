// The pool's defaults, in a module of their own so that the config can name them without loading the driver.

/** Connections per process: two replicas at 10 stay far below a managed server's usual 100. */
export const DEFAULT_POOL_SIZE = 10;

/** A statement (lock waits included) that runs longer than this fails instead of holding a unit and its connection. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

// The advisory-lock keys aims-bot takes on PostgreSQL. Fixed numbers, the same in every replica and version:
// two processes agree on a lock only through its key. "AIMS" in hex, then the lock's number.

/** Held (session lock) while migrations are applied at start, so two replicas starting together apply each once. */
export const MIGRATION_LOCK_KEY = 0x41494d53_0001;

/** Taken (transaction lock) first by every write unit: every write appends to the one audit chain. */
export const AUDIT_CHAIN_LOCK_KEY = 0x41494d53_0002;

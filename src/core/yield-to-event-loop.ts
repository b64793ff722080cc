/**
 * Lets the event loop run what is waiting (a Slack command's ack, a Teams message) before the caller
 * goes on: long jobs call it between their slices. setImmediate runs after pending I/O callbacks, where
 * a resolved promise would not.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

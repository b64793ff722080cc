import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which unit of work the caller runs in, for both stores: a unit started inside another is nested (a
 * savepoint, or the same transaction for a read). A unit is closed when its work ends, so a promise the
 * work left running that calls the store later is not taken for part of it.
 */
export class UnitScope<U extends { open: boolean }> {
  private readonly storage = new AsyncLocalStorage<U>();

  /** The open unit the caller runs in, if any. */
  current(): U | undefined {
    const unit = this.storage.getStore();
    return unit?.open ? unit : undefined;
  }

  /** Runs `work` inside `unit`, and closes the unit when it ends. */
  async run<T>(unit: U, work: () => Promise<T> | T): Promise<T> {
    try {
      return await this.storage.run(unit, async () => await work());
    } finally {
      unit.open = false;
    }
  }
}

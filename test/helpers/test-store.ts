import { fixedClock, type Clock } from '../../src/core/clock.ts';
import { DirectoryService } from '../../src/core/directory-service.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

/** A real store in memory with the real migrations applied. */
export function memoryStore(): SqliteStore {
  return SqliteStore.open(':memory:');
}

export const TEST_NOW = '2026-11-22T10:00:00.000Z';

export function testClock(at: string = TEST_NOW): Clock {
  return fixedClock(at);
}

export function directoryFor(
  store: SqliteStore,
  options: Partial<ConstructorParameters<typeof DirectoryService>[2]> = {},
  clock = testClock(),
) {
  return new DirectoryService(store, clock, { seedAdmins: [], firstContactBecomesAdmin: false, ...options });
}

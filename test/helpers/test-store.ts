import type { UnitOfWork } from '../../src/core/ports.ts';
import { fixedClock, type Clock } from '../../src/core/clock.ts';
import { DirectoryService } from '../../src/core/directory-service.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

// Made once per worker (the module cache is shared by a worker's files): a store the real migration runner
// brought up to date from the real migrations, serialized. Each test's store is a copy of it.
let migrated: Buffer | undefined;

/** The image of an in-memory store with the real migrations applied, made once per worker. */
export function migratedImage(): Buffer {
  if (!migrated) {
    const template = SqliteStore.open(':memory:');
    try {
      migrated = template.sqlite.serialize();
    } finally {
      template.close();
    }
  }
  return migrated;
}

/** A real store in memory with the real migrations applied (a copy of the worker's migrated image). */
export function memoryStore(): SqliteStore {
  return SqliteStore.openCopy(migratedImage());
}

export const TEST_NOW = '2026-11-22T10:00:00.000Z';

export function testClock(at: string = TEST_NOW): Clock {
  return fixedClock(at);
}

export function directoryFor(
  store: UnitOfWork,
  options: Partial<ConstructorParameters<typeof DirectoryService>[2]> = {},
  clock = testClock(),
) {
  return new DirectoryService(store, clock, { seedAdmins: [], firstContactBecomesAdmin: false, ...options });
}

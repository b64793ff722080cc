import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/store/migrate.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { MIGRATION_COUNT } from '../helpers/migration-count.ts';
import { memoryStore, migratedImage } from '../helpers/test-store.ts';

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});
const open = (store: SqliteStore) => (stores.push(store), store);
const tables = (store: SqliteStore) =>
  store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

describe('test stores as copies of one migrated image', () => {
  it('a copy has every migration applied, the same tables as a store migrated now, and nothing left to apply', () => {
    const copy = open(memoryStore());
    const migrated = open(SqliteStore.open(':memory:'));
    expect(copy.sqlite.prepare('SELECT count(*) FROM "__drizzle_migrations"').pluck().get()).toBe(MIGRATION_COUNT);
    expect(tables(copy)).toEqual(tables(migrated));
    expect(applyMigrations(copy.sqlite)).toEqual({ applied: 0 });
  });

  it('copies are independent of each other and of the image, with foreign keys on', () => {
    const image = Buffer.from(migratedImage());
    const first = open(memoryStore());
    first.sqlite.exec('CREATE TABLE scratch (x INTEGER)');
    const second = open(memoryStore());
    expect(tables(first)).toContain('scratch');
    expect(tables(second)).not.toContain('scratch');
    expect(migratedImage().equals(image)).toBe(true);
    expect(second.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});

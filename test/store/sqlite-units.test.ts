import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { memoryStore } from '../helpers/test-store.ts';

// The unit-of-work behaviours test/store/pg-store.test.ts checks on PostgreSQL, on SQLite. The work functions
// use the store's own connection directly: inside a unit every statement on it is the unit's.

const opened: SqliteStore[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tracked(store: SqliteStore): SqliteStore {
  opened.push(store);
  return store;
}

/** Two stores (two connections) on one new file, as two processes on one SQLite file. */
function twoOnOneFile(): [SqliteStore, SqliteStore] {
  const dir = mkdtempSync(join(tmpdir(), 'aims-units-'));
  dirs.push(dir);
  const path = join(dir, 'aims.db');
  return [tracked(SqliteStore.open(path)), tracked(SqliteStore.open(path))];
}

function insertWorkspace(store: SqliteStore, externalId: string, name: string | null = null): number {
  const result = store.sqlite
    .prepare("INSERT INTO workspaces (platform, external_id, name, created_at) VALUES ('slack', ?, ?, '2026-12-02T00:00:00.000Z')")
    .run(externalId, name);
  return Number(result.lastInsertRowid);
}

function counterValue(store: SqliteStore, id: number): number {
  const row = store.sqlite.prepare('SELECT name FROM workspaces WHERE id = ?').get(id) as { name: string } | undefined;
  return Number(row?.name);
}

function setCounter(store: SqliteStore, id: number, value: number): void {
  store.sqlite.prepare('UPDATE workspaces SET name = ? WHERE id = ?').run(String(value), id);
}

function workspaceNames(store: SqliteStore): string[] {
  return (store.sqlite.prepare('SELECT external_id FROM workspaces ORDER BY id').all() as Array<{ external_id: string }>).map(
    (row) => row.external_id,
  );
}

/** 20 units at once, alternating between `stores`, each reading the counter, waiting a timer, writing it plus one. */
async function increments(stores: SqliteStore[], id: number): Promise<void> {
  await Promise.all(
    Array.from({ length: 20 }, async (_, index) => {
      const store = stores[index % stores.length]!;
      await store.write(async () => {
        const value = counterValue(store, id);
        // Another unit would get in here if units were not serialised.
        await sleep(2);
        setCounter(store, id, value + 1);
      });
    }),
  );
}

describe('SqliteStore units of work', () => {
  it('serialises write units on one connection: 20 read-wait-write increments make 20', async () => {
    const store = tracked(memoryStore());
    const id = await store.write(() => insertWorkspace(store, 'T-counter', '0'));
    await increments([store], id);
    expect(await store.read(() => counterValue(store, id))).toBe(20);
  });

  it('serialises write units across two connections on one file (BEGIN IMMEDIATE, waited for without blocking)', async () => {
    const [first, second] = twoOnOneFile();
    const id = await first.write(() => insertWorkspace(first, 'T-counter', '0'));
    await increments([first, second], id);
    expect(await second.read(() => counterValue(second, id))).toBe(20);
    expect(await first.read(() => counterValue(first, id))).toBe(20);
  });

  it('a unit that throws after writing leaves nothing', async () => {
    const store = tracked(memoryStore());
    await expect(
      store.write(async () => {
        insertWorkspace(store, 'T-doomed');
        await sleep(1);
        throw new Error('decided against it');
      }),
    ).rejects.toThrow('decided against it');
    expect(workspaceNames(store)).toEqual([]);
    // The connection is usable again: the failed unit's transaction is gone.
    expect(store.sqlite.inTransaction).toBe(false);
  });

  it('a nested write that throws and is caught rolls back only its own part; a nested read sees the unit’s writes', async () => {
    const store = tracked(memoryStore());
    const seen = await store.write(async () => {
      insertWorkspace(store, 'T-outer');
      await store
        .write(async () => {
          insertWorkspace(store, 'T-inner');
          await sleep(1);
          throw new Error('inner fails');
        })
        .catch(() => undefined);
      await store.write(() => insertWorkspace(store, 'T-inner-kept'));
      return await store.read(() => workspaceNames(store).length);
    });
    expect(seen).toBe(2);
    expect(workspaceNames(store)).toEqual(['T-outer', 'T-inner-kept']);
  });

  it('a read unit refuses a write: a statement fails as read-only, a write unit cannot start inside it', async () => {
    const store = tracked(memoryStore());
    await expect(store.read(() => insertWorkspace(store, 'T-sneaky'))).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    await expect(store.read(async () => await store.write(() => 'never'))).rejects.toThrow('a write unit cannot start inside a read unit');
    expect(workspaceNames(store)).toEqual([]);
    // query_only is lifted after the read: the next write unit writes.
    await store.write(() => insertWorkspace(store, 'T-after'));
    expect(workspaceNames(store)).toEqual(['T-after']);
  });
});

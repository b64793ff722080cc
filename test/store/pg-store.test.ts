import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/core/ports.ts';
import { PgStore, type PgStoreOptions } from '../../src/store/postgres/pg-store.ts';
import { PG_MIGRATIONS_FOLDER } from '../../src/store/postgres/pg-migrate.ts';
import { rowsOf, type StoreDb } from '../../src/store/store-db.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';

const PG_MIGRATION_COUNT = (JSON.parse(readFileSync(`${PG_MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] })
  .entries.length;

/**
 * The work functions here use raw SQL, so the "repositories" are only the unit's connection: the real ones
 * are injected by the app. `storeDbOf` takes it back out inside a unit.
 */
const probeRepositories: PgStoreOptions['repositoriesFor'] = (s) => ({ storeDb: s }) as unknown as Repositories;
const storeDbOf = (repos: Repositories): StoreDb => (repos as unknown as { storeDb: StoreDb }).storeDb;

const opened: PgStore[] = [];
const clients: pg.Pool[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map(async (store) => await store.close()));
  await Promise.all(clients.splice(0).map(async (pool) => await pool.end()));
});

async function openStore(url: string, options: Partial<PgStoreOptions> = {}): Promise<PgStore> {
  const store = await PgStore.open(url, { repositoriesFor: probeRepositories, ...options });
  opened.push(store);
  return store;
}

function rawPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url });
  clients.push(pool);
  return pool;
}

/** A workspace row whose name holds a counter the units read and write (the real table, raw SQL). */
async function counterRow(store: PgStore): Promise<number> {
  return await store.write(async (repos) => {
    const [row] = await rowsOf<{ id: number }>(
      storeDbOf(repos),
      sql`INSERT INTO workspaces (platform, external_id, name, created_at) VALUES ('slack', 'T-counter', '0', '2026-12-02T00:00:00.000Z') RETURNING id`,
    );
    if (!row) throw new Error('no row inserted');
    return row.id;
  });
}

async function counterValue(s: StoreDb, id: number): Promise<number> {
  const [row] = await rowsOf<{ name: string }>(s, sql`SELECT name FROM workspaces WHERE id = ${id}`);
  return Number(row?.name);
}

async function setCounter(s: StoreDb, id: number, value: number): Promise<void> {
  await rowsOf(s, sql`UPDATE workspaces SET name = ${String(value)} WHERE id = ${id}`);
}

async function workspaceNames(store: PgStore): Promise<string[]> {
  return await store.read(async (repos) => {
    const rows = await rowsOf<{ external_id: string }>(storeDbOf(repos), sql`SELECT external_id FROM workspaces ORDER BY id`);
    return rows.map((row) => row.external_id);
  });
}

async function insertWorkspace(s: StoreDb, externalId: string): Promise<unknown> {
  return await rowsOf(
    s,
    sql`INSERT INTO workspaces (platform, external_id, created_at) VALUES ('slack', ${externalId}, '2026-12-02T00:00:00.000Z')`,
  );
}

// CI installs PostgreSQL (.ci/run), so there these always run; elsewhere the skip shows in the output.
describe.runIf(pgTestUrl())('PgStore', () => {
  it('applies the migrations once when two stores open one fresh database at the same time, as drizzle-kit would record them', async () => {
    const url = await freshPgDatabase();
    const [first, second] = await Promise.all([openStore(url), openStore(url)]);
    expect(await first.isReachable()).toBe(true);
    expect(await second.isReachable()).toBe(true);
    const pool = rawPool(url);
    const bookkeeping = await pool.query<{ hash: string; created_at: string }>(
      'SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id',
    );
    expect(bookkeeping.rows).toHaveLength(PG_MIGRATION_COUNT);
    // The schema is there: a table of the last migration can be queried.
    expect((await pool.query('SELECT count(*)::int AS n FROM workspaces')).rows[0]).toEqual({ n: 0 });
    // A third start finds nothing to do; so does drizzle's own migrator, reading the same bookkeeping.
    await openStore(url);
    await migrate(drizzle({ client: pool }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    expect((await pool.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0]).toEqual({ n: PG_MIGRATION_COUNT });
  });

  it('serialises write units across two stores (two pools, as two replicas): 20 read-wait-write increments make 20', async () => {
    const url = await freshPgDatabase();
    const replicas = [await openStore(url), await openStore(url, { migrate: false })];
    const id = await counterRow(replicas[0]!);
    await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        await replicas[index % 2]!.write(async (repos) => {
          const s = storeDbOf(repos);
          const value = await counterValue(s, id);
          // Another unit would get in here if units were not serialised.
          await sleep(2);
          await setCounter(s, id, value + 1);
        });
      }),
    );
    expect(await replicas[1]!.read(async (repos) => await counterValue(storeDbOf(repos), id))).toBe(20);
  });

  it('the same increments without the chain lock lose updates (the test above can fail)', async () => {
    const url = await freshPgDatabase();
    const store = await openStore(url);
    const id = await counterRow(store);
    const pool = rawPool(url);
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ name: string }>('SELECT name FROM workspaces WHERE id = $1', [id]);
          await sleep(2);
          await client.query('UPDATE workspaces SET name = $1 WHERE id = $2', [String(Number(rows[0]?.name) + 1), id]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    expect(await store.read(async (repos) => await counterValue(storeDbOf(repos), id))).toBeLessThan(20);
  });

  it('a unit that throws after writing leaves nothing', async () => {
    const store = await openStore(await freshPgDatabase());
    await expect(
      store.write(async (repos) => {
        await insertWorkspace(storeDbOf(repos), 'T-doomed');
        throw new Error('decided against it');
      }),
    ).rejects.toThrow('decided against it');
    expect(await workspaceNames(store)).toEqual([]);
  });

  it('a nested write that throws and is caught rolls back only its own part; a nested read sees the unit’s writes', async () => {
    const store = await openStore(await freshPgDatabase());
    const seen = await store.write(async (repos) => {
      await insertWorkspace(storeDbOf(repos), 'T-outer');
      await store
        .write(async (inner) => {
          await insertWorkspace(storeDbOf(inner), 'T-inner');
          throw new Error('inner fails');
        })
        .catch(() => undefined);
      await store.write(async (inner) => await insertWorkspace(storeDbOf(inner), 'T-inner-kept'));
      return await store.read(async (inner) => (await rowsOf(storeDbOf(inner), sql`SELECT id FROM workspaces`)).length);
    });
    expect(seen).toBe(2);
    expect(await workspaceNames(store)).toEqual(['T-outer', 'T-inner-kept']);
  });

  it('a read unit refuses a write: a statement fails as read-only, a write unit cannot start inside it', async () => {
    const store = await openStore(await freshPgDatabase());
    await expect(store.read(async (repos) => await insertWorkspace(storeDbOf(repos), 'T-sneaky'))).rejects.toThrow();
    await expect(store.read(async (repos) => await insertWorkspace(storeDbOf(repos), 'T-sneaky'))).rejects.toSatisfy(
      (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === '25006',
    );
    await expect(store.read(async () => await store.write(async () => 'never'))).rejects.toThrow(
      'a write unit cannot start inside a read unit',
    );
    expect(await workspaceNames(store)).toEqual([]);
  });

  it('runs a unit again on a serialization failure or deadlock, at most 3 times, and never on other errors', async () => {
    const store = await openStore(await freshPgDatabase());
    const failing = (label: string, code: string, times: number) => {
      let calls = 0;
      const work = async (repos: Repositories) => {
        calls += 1;
        await insertWorkspace(storeDbOf(repos), `T-${label}-${calls}`);
        if (calls <= times) throw Object.assign(new Error(`server says ${code}`), { code });
        return calls;
      };
      return { work, calls: () => calls };
    };
    const once = failing('once', '40001', 1);
    expect(await store.write(once.work)).toBe(2);
    const deadlock = failing('deadlock', '40P01', 2);
    expect(await store.write(deadlock.work)).toBe(3);
    const always = failing('always', '40001', 99);
    await expect(store.write(always.work)).rejects.toThrow('server says 40001');
    expect(always.calls()).toBe(3);
    const other = failing('other', '23505', 99);
    await expect(store.write(other.work)).rejects.toThrow('server says 23505');
    expect(other.calls()).toBe(1);
    // Only the attempts that succeeded left their rows.
    expect(await workspaceNames(store)).toEqual(['T-once-2', 'T-deadlock-3']);
  });

  it('bounds a statement by the statement timeout', async () => {
    const store = await openStore(await freshPgDatabase(), { statementTimeoutMs: 100 });
    await expect(store.read(async (repos) => await rowsOf(storeDbOf(repos), sql`SELECT pg_sleep(2)`))).rejects.toSatisfy(
      (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === '57014',
    );
  });

  it('describes itself with the password masked, and is unreachable once closed', async () => {
    const url = new URL(await freshPgDatabase());
    url.password = 'hunter2-secret';
    // Trust authentication: the server ignores the password, so the URL still connects.
    const store = await openStore(url.toString());
    expect(store.describe()).toBe(`postgres postgres://aims:***@${url.host}${url.pathname}`);
    expect(store.describe()).not.toContain('hunter2');
    await store.close();
    expect(await store.isReachable()).toBe(false);
  });

  it('answers admin reads through an injected implementation, and its own for the rest', async () => {
    const store = await openStore(await freshPgDatabase(), {
      admin: (database) => ({ publishedAnchors: async () => (await database.pool.query('SELECT 1 FROM published_anchors')).rows as never }),
    });
    expect(await store.publishedAnchors()).toEqual([]);
    expect(await store.releaseStatus(1)).toBeUndefined();
    expect(await store.verifyAudit()).toEqual({ ok: true, events: 0, chains: [] });
  });
});

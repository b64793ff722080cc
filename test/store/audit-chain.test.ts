import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../src/core/audit.ts';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { chainHash, GENESIS_HASH } from '../../src/store/audit/audit-chain.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { MIGRATION_COUNT } from '../helpers/migration-count.ts';
import { freshPgDatabase } from '../helpers/pg-test-db.ts';
import { openTestStore, TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';
import { TEST_NOW } from '../helpers/test-store.ts';

const event = (n: number): AuditEventInput => ({
  workspaceId: null,
  actorPersonId: null,
  actor: 'test',
  action: 'test.event',
  subject: `thing:${n}`,
  before: null,
  after: { n, note: 'ünïcødé & <b>' },
});

const stores: GovernanceStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

async function storeWith(events: number): Promise<GovernanceStore> {
  const store = await openTestStore();
  stores.push(store);
  for (let i = 1; i <= events; i++) await store.write(async (repos) => await repos.audit.append(event(i), TEST_NOW));
  return store;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined, and is stable', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,null,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});

describe('audit chain', () => {
  it('verifies an empty store', async () => {
    expect(await (await storeWith(0)).verifyAudit()).toEqual({ ok: true, events: 0, chains: [] });
  });

  it('links every event to the previous hash: hash = sha256(previous hash + canonical JSON)', async () => {
    const store = await storeWith(3);
    const rows = await sqlOf(store).all<{ sequence: number; payload: string; previous_hash: string; hash: string }>(
      'SELECT sequence, payload, previous_hash, hash FROM audit_events ORDER BY sequence',
    );
    expect(rows.map((row) => row.sequence)).toEqual([1, 2, 3]);
    expect(rows[0]?.previous_hash).toBe(GENESIS_HASH);
    rows.forEach((row, i) => {
      expect(row.hash).toBe(chainHash(row.previous_hash, row.payload));
      if (i > 0) expect(row.previous_hash).toBe(rows[i - 1]?.hash);
      expect(JSON.parse(row.payload)).toMatchObject({ sequence: row.sequence, subject: `thing:${row.sequence}` });
    });
    const result = await store.verifyAudit();
    // Events of no workspace form the system chain (0).
    expect(result).toEqual({
      ok: true,
      events: 3,
      chains: [{ chain: 0, label: 'system chain', ok: true, events: 3, head: { sequence: 3, hash: rows[2]?.hash } }],
    });
  });

  it('refuses to append outside a write transaction', async () => {
    const store = await storeWith(0);
    await expect(store.read(async (repos) => await repos.audit.append(event(1), TEST_NOW))).rejects.toThrow(/write transaction/);
  });

  it.each([
    ['the recorded change is edited', "UPDATE audit_events SET payload = replace(payload, 'thing:2', 'thing:9') WHERE sequence = 2"],
    ['a column is edited but not the payload', "UPDATE audit_events SET actor = 'mallory' WHERE sequence = 2"],
    [
      'the hash is recomputed for an edited payload',
      'UPDATE audit_events SET payload = replace(payload, \'"n":2\', \'"n":7\') WHERE sequence = 2',
    ],
    ['an event is deleted', 'DELETE FROM audit_events WHERE sequence = 2'],
  ])('names the first bad sequence when %s', async (_what, tamper) => {
    const store = await storeWith(4);
    expect(await sqlOf(store).run(tamper)).toBe(1);
    if (tamper.includes('"n":7')) {
      // A careful forger recomputes this row's hash: the next row's link then breaks instead.
      const row = (await sqlOf(store).get<{ previous_hash: string; payload: string }>(
        'SELECT previous_hash, payload FROM audit_events WHERE sequence = 2',
      ))!;
      await sqlOf(store).run('UPDATE audit_events SET hash = ? WHERE sequence = 2', chainHash(row.previous_hash, row.payload));
      const result = await store.verifyAudit();
      expect(result).toMatchObject({ ok: false, chains: [{ chain: 0, ok: false, firstBadSequence: 3 }] });
      return;
    }
    const result = (await store.verifyAudit()).chains[0]!;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.firstBadSequence).toBe(tamper.startsWith('DELETE') ? 3 : 2);
      expect(result.reason).not.toBe('');
    }
  });

  it('never forks: a unique previous hash rejects a second event after the same head', async () => {
    const store = await storeWith(2);
    const head = (await sqlOf(store).get<{ previous_hash: string }>('SELECT previous_hash FROM audit_events WHERE sequence = 2'))!;
    await expect(
      sqlOf(store).run(
        "INSERT INTO audit_events (chain, sequence, at, actor, action, subject, payload, previous_hash, hash) VALUES (0, 99, 'x', 'x', 'x', 'x', '{}', ?, 'h')",
        head.previous_hash,
      ),
    ).rejects.toThrow(
      /UNIQUE constraint failed: audit_events.chain, audit_events.previous_hash|unique constraint "audit_events_previous_hash_uq"/,
    );
  });

  it('two processes writing one store at once (and migrating it at once) keep one intact chain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aims-audit-'));
    dirs.push(dir);
    // A new store neither has migrated yet: a SQLite file, or an empty PostgreSQL database.
    const dbPath = TEST_STORE_KIND === 'sqlite' ? join(dir, 'aims.db') : await freshPgDatabase();
    const perWriter = 150;
    const writer = join(import.meta.dirname, '../helpers/audit-writer.ts');
    const run = (label: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath, String(perWriter), label], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${label} exited ${code}: ${stderr}`))));
      });
    await Promise.all([run('a'), run('b')]);

    const store = TEST_STORE_KIND === 'sqlite' ? SqliteStore.open(dbPath) : await PgStore.open(dbPath, { migrate: false });
    stores.push(store);
    const result = await store.verifyAudit();
    expect(result).toMatchObject({ ok: true, events: perWriter * 2 });
    const { byWriter, migrations } = await storeFacts(store, dbPath);
    expect(byWriter).toEqual([
      { actor: 'test:a', n: perWriter },
      { actor: 'test:b', n: perWriter },
    ]);
    expect(migrations).toBe(TEST_STORE_KIND === 'sqlite' ? MIGRATION_COUNT : PG_MIGRATION_COUNT);
  });
});

/** How many PostgreSQL migrations are committed (their drizzle-kit journal). */
const PG_MIGRATION_COUNT = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../migrations/postgres/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

const BY_WRITER = 'SELECT actor, count(*) AS n FROM audit_events GROUP BY actor ORDER BY actor';

/**
 * Events per writer and migrations recorded, read behind the store's back: through sqlOf on the SQLite
 * file, through a client of its own on the PostgreSQL database the writers migrated (not a test store).
 */
async function storeFacts(store: GovernanceStore, db: string): Promise<{ byWriter: unknown[]; migrations: number }> {
  if (store instanceof SqliteStore) {
    const sql = sqlOf(store);
    return { byWriter: await sql.all(BY_WRITER), migrations: await sql.count('"__drizzle_migrations"') };
  }
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    const byWriter = (await client.query<{ actor: string; n: string }>(BY_WRITER)).rows.map((row) => ({
      actor: row.actor,
      n: Number(row.n),
    }));
    const migrations = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM "drizzle"."__drizzle_migrations"')).rows[0]?.n);
    return { byWriter, migrations };
  } finally {
    await client.end();
  }
}

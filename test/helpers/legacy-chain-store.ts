import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chainHash, GENESIS_HASH } from '../../src/core/audit-chain-verify.ts';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { openDatabase } from '../../src/store/database.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { applyMigrations, MIGRATIONS_FOLDER } from '../../src/store/migrate.ts';
import { openPgDatabase } from '../../src/store/postgres/pg-database.ts';
import { applyPgMigrations, PG_MIGRATIONS_FOLDER } from '../../src/store/postgres/pg-migrate.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { freshPgDatabase } from './pg-test-db.ts';
import { TEST_STORE_KIND, trackTestStore } from './store-kinds.ts';

/**
 * A store written before chains were per workspace (built with the migrations before the audit_chains one,
 * as test/store/audit-chains.test.ts does), with one global chain over every workspace's events, then
 * opened: the cut-over gives each workspace and the system chain its genesis event.
 */

export interface LegacyEvent {
  sequence: number;
  at: string;
  workspaceId: number | null;
  actorPersonId: null;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  previousHash: string;
  hash: string;
}

/** The migrations before per-workspace chains, in a folder of their own (their journal cut before it). */
function oldMigrations(folder: string, dir: string): string {
  const out = join(dir, 'migrations');
  cpSync(folder, out, { recursive: true });
  const journalPath = join(out, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const cut = journal.entries.findIndex((entry) => entry.tag.endsWith('audit_chains'));
  if (cut <= 0) throw new Error('no audit_chains migration');
  for (const entry of journal.entries.slice(cut)) rmSync(join(out, `${entry.tag}.sql`));
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return out;
}

/** The global chain: event `s` is of `workspaceOf(s)`, stamped at `atOf(s)`. */
export function legacyChain(count: number, workspaceOf: (s: number) => number | null, atOf: (s: number) => string): LegacyEvent[] {
  const out: LegacyEvent[] = [];
  let previous = GENESIS_HASH;
  for (let sequence = 1; sequence <= count; sequence++) {
    const fields = {
      sequence,
      at: atOf(sequence),
      workspaceId: workspaceOf(sequence),
      actorPersonId: null,
      actor: 'old',
      action: 'old.event',
      subject: `old:${sequence}`,
    };
    const payload = canonicalJson({ ...fields, before: null, after: { sequence, note: `note of ${String(fields.workspaceId)}` } });
    const hash = chainHash(previous, payload);
    out.push({ ...fields, payload, previousHash: previous, hash });
    previous = hash;
  }
  return out;
}

const INSERT_WORKSPACE = 'INSERT INTO workspaces (id, platform, external_id, name, created_at) VALUES ($1, $2, $3, $4, $5)';
const INSERT_LEGACY =
  'INSERT INTO audit_events (sequence, at, workspace_id, actor_person_id, actor, action, subject, payload, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';
const values = (e: LegacyEvent) => [
  e.sequence,
  e.at,
  e.workspaceId,
  e.actorPersonId,
  e.actor,
  e.action,
  e.subject,
  e.payload,
  e.previousHash,
  e.hash,
];

/** Opens (migrates, cuts over) a store of the old format holding `workspaces` and the global chain `legacy`; `cleanup` removes its files. */
export async function storeWithLegacyChain(
  workspaces: Array<[id: number, platform: string, externalId: string, name: string]>,
  legacy: readonly LegacyEvent[],
): Promise<{ store: GovernanceStore; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'aims-legacy-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const created = '2025-12-01T00:00:00.000Z';
  if (TEST_STORE_KIND === 'sqlite') {
    const path = join(dir, 'old.db');
    const handle = openDatabase(path);
    applyMigrations(handle.sqlite, oldMigrations(MIGRATIONS_FOLDER, dir));
    const sqlite = (text: string) => text.replace(/\$\d+/g, '?');
    for (const w of workspaces) handle.sqlite.prepare(sqlite(INSERT_WORKSPACE)).run(...w, created);
    for (const e of legacy) handle.sqlite.prepare(sqlite(INSERT_LEGACY)).run(...values(e));
    handle.close();
    return { store: SqliteStore.open(path), cleanup };
  }
  const url = await freshPgDatabase();
  const database = openPgDatabase(url);
  await applyPgMigrations(database.pool, oldMigrations(PG_MIGRATIONS_FOLDER, dir));
  await database.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const w of workspaces) await client.query(INSERT_WORKSPACE, [...w, created]);
    for (const e of legacy) await client.query(INSERT_LEGACY, values(e));
    await client.query("SELECT setval(pg_get_serial_sequence('workspaces', 'id'), $1)", [Math.max(...workspaces.map((w) => w[0]))]);
  } finally {
    await client.end();
  }
  const store = await PgStore.open(url);
  trackTestStore(store, url);
  return { store, cleanup };
}

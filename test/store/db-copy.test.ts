import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySqliteToPostgres, CopyTargetNotEmptyError, tablesInCopyOrder } from '../../src/store/copy/copy-to-postgres.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { governedStore } from '../helpers/governed-store.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';

const ROOT = join(import.meta.dirname, '../..');

/** The generated PostgreSQL migrations, applied statement by statement (what the store's runner does). */
async function migrate(client: pg.ClientBase): Promise<void> {
  const folder = join(ROOT, 'migrations/postgres');
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    for (const statement of readFileSync(join(folder, file), 'utf8').split('--> statement-breakpoint')) {
      if (statement.trim() !== '') await client.query(statement);
    }
  }
}

describe.runIf(pgTestUrl())('copying a SQLite store to PostgreSQL', () => {
  let dir: string;
  let source: SqliteStore;
  let client: pg.Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aims-copy-'));
    await governedStore(join(dir, 'aims.db'));
    source = SqliteStore.open(join(dir, 'aims.db'));
    client = new pg.Client({ connectionString: await freshPgDatabase() });
    await client.connect();
    await migrate(client);
  });

  afterAll(async () => {
    await client.end();
    source.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every row of every table, parents first, audit chain byte for byte, and new ids follow the copied ones', async () => {
    const report = await copySqliteToPostgres(source.sqlite, client);
    const order = tablesInCopyOrder(source.sqlite);
    expect(report.tables.map((t) => t.table)).toEqual(order);
    expect(order.indexOf('workspaces')).toBeLessThan(order.indexOf('people'));
    expect(order.indexOf('releases')).toBeLessThan(order.indexOf('release_decisions'));
    for (const { table, rows } of report.tables) {
      const inSource = (source.sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
      const inTarget = Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
      expect([table, rows, inTarget]).toEqual([table, inSource, inSource]);
    }
    expect(report.tables.find((t) => t.table === 'audit_events')?.rows).toBeGreaterThan(5);
    // The maintained aggregate is not copied: the target's triggers rebuilt it from the completions, equal to the source's.
    expect(order).not.toContain('training_latest');
    const latest = 'SELECT workspace_id, course_id, person_id, date FROM training_latest ORDER BY course_id, person_id';
    const sourceLatest = source.sqlite.prepare(latest).all() as Array<Record<string, unknown>>;
    expect(sourceLatest.length).toBeGreaterThan(0);
    expect((await client.query(latest)).rows).toEqual(sourceLatest);
    // So is impact_due: the target's triggers filled it as the systems, assessments and releases arrived.
    expect(order).not.toContain('impact_due');
    const due = 'SELECT ai_system_id, workspace_id, name_key, since, due, pending_id FROM impact_due ORDER BY ai_system_id';
    expect((await client.query(due)).rows).toEqual(source.sqlite.prepare(due).all());
    const chain = (rows: Array<Record<string, unknown>>) => rows.map((r) => [Number(r.sequence), r.payload, r.previous_hash, r.hash]);
    expect(chain((await client.query('SELECT * FROM audit_events ORDER BY sequence')).rows)).toEqual(
      chain(source.sqlite.prepare('SELECT * FROM audit_events ORDER BY sequence').all() as Array<Record<string, unknown>>),
    );
    // Booleans arrive as booleans (SQLite kept 0/1).
    const active = (await client.query('SELECT active FROM release_decisions')).rows.map((r) => r.active as unknown);
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((value) => typeof value === 'boolean')).toBe(true);
    // The identity sequences were moved past the copied ids.
    const maxId = Number((await client.query('SELECT max(id) AS n FROM workspaces')).rows[0].n);
    const next = await client.query(
      "INSERT INTO workspaces (platform, external_id, name, created_at) VALUES ('slack', 'TNEW', null, '2026-12-02T00:00:00Z') RETURNING id",
    );
    expect(Number(next.rows[0].id)).toBe(maxId + 1);
    await client.query("DELETE FROM workspaces WHERE external_id = 'TNEW'");
  });

  it('refuses a target that already holds rows, and changes nothing there', async () => {
    const before = Number((await client.query('SELECT count(*) AS n FROM audit_events')).rows[0].n);
    const refused = await copySqliteToPostgres(source.sqlite, client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CopyTargetNotEmptyError);
    expect((refused as CopyTargetNotEmptyError).tables).toContain('audit_events');
    expect(Number((await client.query('SELECT count(*) AS n FROM audit_events')).rows[0].n)).toBe(before);
  });
});

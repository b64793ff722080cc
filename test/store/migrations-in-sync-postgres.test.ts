import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import drizzleConfig from '../../drizzle.config.postgres.ts';
import { schemaExports } from './schema-modules.ts';

const ROOT = join(import.meta.dirname, '../..');
type Snapshot = Parameters<typeof generateMigration>[0];

/** What `npm run db:generate:postgres` would write: the schema as declared, diffed against a snapshot. */
async function pendingStatements(from: Snapshot, imports?: Record<string, unknown>): Promise<string[]> {
  const declared = imports ?? (await schemaExports(drizzleConfig.schema));
  return generateMigration(from, generateDrizzleJson(declared, from.id) as Snapshot);
}

function lastCommittedSnapshot(): Snapshot {
  const out = join(ROOT, drizzleConfig.out ?? 'migrations/postgres');
  const journal = JSON.parse(readFileSync(join(out, 'meta/_journal.json'), 'utf8')) as {
    dialect: string;
    entries: Array<{ idx: number; tag: string }>;
  };
  expect(journal.dialect).toBe('postgresql');
  const last = journal.entries.at(-1);
  if (!last) throw new Error('no migration in the postgres journal');
  // The journal and the SQL files agree: every entry has its file and its snapshot.
  expect(readdirSync(out).filter((name) => name.endsWith('.sql'))).toEqual(journal.entries.map((entry) => `${entry.tag}.sql`));
  return JSON.parse(readFileSync(join(out, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8')) as Snapshot;
}

describe('postgres migrations', () => {
  it('the committed migrations match schema-pg and every area schema.pg.ts (db:generate:postgres would add nothing)', async () => {
    expect(await pendingStatements(lastCommittedSnapshot())).toEqual([]);
  });

  it('detects drift: from an empty snapshot drizzle-kit does generate a migration', async () => {
    const empty = {
      ...lastCommittedSnapshot(),
      id: '00000000-0000-0000-0000-000000000000',
      prevId: '00000000-0000-0000-0000-000000000000',
      tables: {},
      enums: {},
      schemas: {},
      sequences: {},
      roles: {},
      policies: {},
      views: {},
      _meta: { schemas: {}, tables: {}, columns: {} },
    } as Snapshot;
    const statements = await pendingStatements(empty);
    expect(statements.some((statement) => statement.includes('CREATE TABLE "audit_events"'))).toBe(true);
    expect(statements.some((statement) => statement.includes('CREATE TABLE "releases"'))).toBe(true);
  });

  it('detects drift: a column added to a pg table is a pending ALTER against the committed snapshot', async () => {
    const declared = await schemaExports(drizzleConfig.schema);
    const withExtraColumn = pgTable('job_runs', {
      id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
      job: text('job').notNull(),
      period: text('period').notNull(),
      workspaceId: integer('workspace_id').notNull(),
      claimedAt: text('claimed_at').notNull(),
      finishedAt: text('finished_at'),
      note: text('note'),
    });
    const statements = await pendingStatements(lastCommittedSnapshot(), { ...declared, jobRuns: withExtraColumn });
    expect(statements).toEqual(
      expect.arrayContaining([
        'ALTER TABLE "job_runs" ADD COLUMN "note" text;',
        expect.stringContaining('DROP CONSTRAINT "job_runs_workspace_id_workspaces_id_fk"'),
        expect.stringContaining('DROP INDEX "job_runs_job_period_workspace_uq"'),
      ]),
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import drizzleConfig from '../../drizzle.config.ts';

const ROOT = join(import.meta.dirname, '../..');
type Snapshot = Parameters<typeof generateSQLiteMigration>[0];

/** The schema files as drizzle.config.ts lists them (kernel tables and each area's schema.ts in its folder). */
function schemaFiles(): string[] {
  const patterns = Array.isArray(drizzleConfig.schema) ? drizzleConfig.schema : [drizzleConfig.schema ?? ''];
  return patterns.flatMap((pattern) => {
    const [before, after] = pattern.split('*');
    if (after === undefined) return [join(ROOT, pattern)];
    const parent = join(ROOT, before ?? '');
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && readdirSync(join(parent, entry.name)).includes(after.replace(/^\//, '')))
      .map((entry) => join(parent, entry.name, after));
  });
}

/**
 * What `drizzle-kit generate` does, through drizzle-kit's own API in this process (no CLI start-up):
 * the snapshot of the schema as the code declares it, diffed against the last committed snapshot.
 */
async function pendingStatements(from: Snapshot): Promise<string[]> {
  const imports: Record<string, unknown> = {};
  for (const file of schemaFiles()) Object.assign(imports, (await import(pathToFileURL(file).href)) as Record<string, unknown>);
  return generateSQLiteMigration(from, await generateSQLiteDrizzleJson(imports, from.id));
}

function lastCommittedSnapshot(): Snapshot {
  const out = join(ROOT, drizzleConfig.out ?? 'migrations');
  const journal = JSON.parse(readFileSync(join(out, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
  const last = journal.entries.at(-1);
  if (!last) throw new Error('no migration in the journal');
  // The journal and the SQL files agree: every entry has its file and its snapshot.
  expect(readdirSync(out).filter((name) => name.endsWith('.sql'))).toEqual(journal.entries.map((entry) => `${entry.tag}.sql`));
  return JSON.parse(readFileSync(join(out, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8')) as Snapshot;
}

describe('migrations', () => {
  it('the committed migrations match the drizzle schema (db:generate would add nothing)', async () => {
    expect(await pendingStatements(lastCommittedSnapshot())).toEqual([]);
  });

  it('detects drift: from an empty snapshot drizzle-kit does generate a migration', async () => {
    const empty = {
      ...lastCommittedSnapshot(),
      id: '00000000-0000-0000-0000-000000000000',
      prevId: '00000000-0000-0000-0000-000000000000',
      tables: {},
      views: {},
      enums: {},
      _meta: { tables: {}, columns: {} },
    } as Snapshot;
    const statements = await pendingStatements(empty);
    expect(statements.some((statement) => statement.includes('CREATE TABLE `audit_events`'))).toBe(true);
    expect(statements.some((statement) => statement.includes('CREATE TABLE `releases`'))).toBe(true);
  });
});

import type Database from 'better-sqlite3';
import type pg from 'pg';

/** What `aims db copy` moved: rows per table, in the order they were copied. */
export interface CopyReport {
  tables: Array<{ table: string; rows: number }>;
}

/** The target already holds data: copying into it would mix two installations' evidence. */
export class CopyTargetNotEmptyError extends Error {
  constructor(readonly tables: string[]) {
    super(`the target database already holds rows (in ${tables.join(', ')}); copy into an empty, migrated database`);
    this.name = 'CopyTargetNotEmptyError';
  }
}

const BOOKKEEPING = new Set(['__drizzle_migrations']);
/** Tables the target's triggers fill from the rows copied (maintained aggregates): copying them too would collide. */
const DERIVED = new Set(['training_latest', 'training_latest_days', 'training_people', 'impact_due']);
// PostgreSQL's limit is 65535 parameters per statement.
const MAX_PARAMETERS = 30_000;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The SQLite store's tables, parents before children (foreign keys), without migration bookkeeping. */
export function tablesInCopyOrder(source: Database.Database): string[] {
  const names = (
    source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>
  )
    .map((row) => row.name)
    .filter((name) => !BOOKKEEPING.has(name) && !DERIVED.has(name))
    .sort();
  const parents = new Map(
    names.map((name) => [
      name,
      (source.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as Array<{ table: string }>)
        .map((fk) => fk.table)
        .filter((parent) => parent !== name),
    ]),
  );
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name)) return;
    if (visiting.has(name)) throw new Error(`foreign keys form a cycle through ${name}: no copy order`);
    visiting.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const name of names) visit(name);
  return ordered;
}

/** Column types of the target's tables, to turn SQLite's 0/1 into booleans (JSON text goes in as text). */
async function targetColumns(client: pg.ClientBase): Promise<Map<string, Map<string, string>>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const tables = new Map<string, Map<string, string>>();
  for (const row of rows) {
    if (!tables.has(row.table_name)) tables.set(row.table_name, new Map());
    tables.get(row.table_name)?.set(row.column_name, row.data_type);
  }
  return tables;
}

function toTarget(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean') return value === 1 || value === 1n || value === '1' || value === true;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * Copies every row of a SQLite store into a migrated, empty PostgreSQL database in one transaction:
 * all or nothing. Ids are kept (identity columns are "by default"), then each identity sequence is set
 * past the highest id so new rows do not collide. The caller verifies the audit chain on the copy.
 */
export async function copySqliteToPostgres(source: Database.Database, client: pg.ClientBase): Promise<CopyReport> {
  const order = tablesInCopyOrder(source);
  const columns = await targetColumns(client);
  const missing = order.filter((table) => !columns.has(table));
  if (missing.length > 0) throw new Error(`the target has no table ${missing.join(', ')}: run its migrations first`);
  const report: CopyReport = { tables: [] };
  await client.query('BEGIN');
  try {
    const filled: string[] = [];
    for (const table of order) {
      const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quote(table)}) AS any`);
      if (rows[0]?.any) filled.push(table);
    }
    if (filled.length > 0) throw new CopyTargetNotEmptyError(filled);
    for (const table of order) {
      const types = columns.get(table) ?? new Map<string, string>();
      const rows = source.prepare(`SELECT * FROM ${quote(table)}`).all() as Array<Record<string, unknown>>;
      const names = rows[0] ? Object.keys(rows[0]) : [];
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, names.length)));
      for (let start = 0; start < rows.length; start += perStatement) {
        const batch = rows.slice(start, start + perStatement);
        const values: unknown[] = [];
        const tuples = batch.map((row) => `(${names.map((name) => `$${values.push(toTarget(row[name], types.get(name)))}`).join(', ')})`);
        await client.query(`INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`, values);
      }
      report.tables.push({ table, rows: rows.length });
    }
    await resetIdentities(client, order);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return report;
}

/** Moves each identity column's sequence past the copied ids. */
async function resetIdentities(client: pg.ClientBase, tables: readonly string[]): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'",
  );
  for (const { table_name: table, column_name: column } of rows) {
    if (!tables.includes(table)) continue;
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quote(column)}) FROM ${quote(table)}), 0) + 1, false)`,
      [quote(table), column],
    );
  }
}

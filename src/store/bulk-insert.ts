import type pg from 'pg';
import type { GovernanceStore } from './governance-store.ts';
import { PgStore } from './postgres/pg-store.ts';
import { SqliteStore } from './sqlite-store.ts';

/** Tables a bulk load may fill (tools that seed a store for measurements: scripts/bench). */
export const BULK_TABLES = [
  'workspaces',
  'people',
  'role_assignments',
  'workspace_settings',
  'ai_systems',
  'incidents',
  'corrective_actions',
  'releases',
  'release_decisions',
  'review_schedules',
  'review_completions',
  'courses',
  'training_completions',
  'audit_events',
] as const;
export type BulkTable = (typeof BULK_TABLES)[number];

/** A row by column name (snake_case, as in the database); objects are stored as JSON. */
export type BulkRow = Record<string, string | number | boolean | null | object>;

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Rows per PostgreSQL statement: each chunk travels as one JSON parameter. */
const PG_CHUNK = 5000;

/**
 * Inserts rows as they are, ids included, in one transaction, bypassing the repositories: for seeding a
 * store fast (a million rows in seconds), never for the bot's own writes (no audit, no rules). On SQLite one
 * prepared INSERT runs per row; on PostgreSQL chunks go through json_populate_recordset, and identity
 * sequences are moved past the ids written. All rows of a call must have the same columns.
 */
export async function bulkInsert(store: GovernanceStore, table: BulkTable, rows: readonly BulkRow[]): Promise<void> {
  if (!BULK_TABLES.includes(table)) throw new Error(`bulk insert into ${String(table)} is not allowed`);
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  if (store instanceof SqliteStore) {
    const db = store.sqlite;
    const insert = db.prepare(
      `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const toSqlite = (value: BulkRow[string]): unknown =>
      typeof value === 'boolean' ? (value ? 1 : 0) : value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    db.transaction(() => {
      for (const row of rows) insert.run(columns.map((column) => toSqlite(row[column] ?? null)));
    })();
    return;
  }
  if (store instanceof PgStore) {
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      const list = columns.map(quote).join(', ');
      for (let start = 0; start < rows.length; start += PG_CHUNK) {
        await client.query(
          `INSERT INTO ${quote(table)} (${list}) SELECT ${list} FROM json_populate_recordset(null::${quote(table)}, $1::json)`,
          [JSON.stringify(rows.slice(start, start + PG_CHUNK))],
        );
      }
      await moveIdentity(client, table);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    return;
  }
  throw new Error(`bulk insert needs a SqliteStore or a PgStore, not ${store.describe()}`);
}

async function moveIdentity(client: pg.PoolClient, table: BulkTable): Promise<void> {
  const { rows } = await client.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'",
    [table],
  );
  for (const { column_name: column } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quote(column)}) FROM ${quote(table)}), 0) + 1, false)`,
      [quote(table), column],
    );
  }
}

/** The highest value of `column` in a bulk table (0 when empty): where a seed continues its ids. */
export async function bulkMax(store: GovernanceStore, table: BulkTable, column: string): Promise<number> {
  if (!BULK_TABLES.includes(table) || !/^[a-z_]+$/.test(column)) throw new Error(`no bulk column ${table}.${column}`);
  const query = `SELECT coalesce(max(${quote(column)}), 0) AS n FROM ${quote(table)}`;
  if (store instanceof SqliteStore) return Number((store.sqlite.prepare(query).get() as { n: number }).n);
  if (store instanceof PgStore) return Number((await store.pool.query<{ n: string }>(query)).rows[0]?.n ?? 0);
  throw new Error(`bulk reads need a SqliteStore or a PgStore, not ${store.describe()}`);
}

/** Refreshes the planner's statistics after a bulk load (ANALYZE), as a store that grew by use would have them. */
export async function analyzeStore(store: GovernanceStore): Promise<void> {
  if (store instanceof SqliteStore) store.sqlite.exec('ANALYZE');
  else if (store instanceof PgStore) await store.pool.query('VACUUM ANALYZE');
}

import { eq, getTableName, max, sql, type Column, type SQL, type SQLWrapper, type Table } from 'drizzle-orm';
import type { Db } from './database.ts';

/** Which database a connection talks to. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * The connection repositories query through, for both stores. Repository code is written once with
 * drizzle's query builder and `await` (never SQLite's `.get()/.all()/.run()`): the same calls build
 * SQLite or PostgreSQL SQL from the dialect's own tables. `db` is typed as the SQLite database; on
 * PostgreSQL it is the transaction's drizzle handle, cast (the schema-parity test keeps the two
 * schemas' tables, columns and row types the same).
 */
export interface StoreDb {
  db: Db;
  dialect: Dialect;
  /** The read unit the repositories run in, if any: its snapshot cannot move (see keptInReadUnit). */
  readUnit?: () => object | undefined;
}

const keptByUnit = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * What `read` gives, kept for the rest of the read unit under `key` (which names the repository, the method
 * and its arguments): a read unit's snapshot cannot move, so a figure several areas ask for in one status
 * (how many AI systems by stage) is read once. Outside a read unit (a write unit, no unit) it is read each time.
 */
export async function keptInReadUnit<T>(s: StoreDb, key: string, read: () => Promise<T>): Promise<T> {
  const unit = s.readUnit?.();
  if (!unit) return await read();
  let kept = keptByUnit.get(unit);
  if (!kept) {
    kept = new Map();
    keptByUnit.set(unit, kept);
  }
  const known = kept.get(key) as Promise<T> | undefined;
  if (known) return await known;
  const reading = read();
  kept.set(key, reading);
  try {
    return await reading;
  } catch (error) {
    kept.delete(key);
    throw error;
  }
}

/** The first row of a query's result, if any (what SQLite's `.get()` returned). */
export function first<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}

/** Rows an UPDATE or DELETE changed: better-sqlite3 says `changes`, node-postgres `rowCount`. */
export function changedRows(result: unknown): number {
  const outcome = result as { changes?: number; rowCount?: number | null };
  return Number(outcome.changes ?? outcome.rowCount ?? 0);
}

/** Runs raw SQL (written to work on both dialects) and returns its rows. */
export async function rowsOf<T>(s: StoreDb, query: SQL): Promise<T[]> {
  if (s.dialect === 'sqlite') return s.db.all<T>(query);
  const result = (await (s.db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query)) as { rows: T[] };
  return result.rows;
}

/** The row an INSERT ... RETURNING wrote; none back means the insert did not happen, a bug callers must not miss. */
export function inserted<T>(rows: readonly T[], table = 'the table'): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`inserting into ${table} returned no row`);
  return row;
}

/**
 * A schema module's tables in the connection's dialect. The PostgreSQL module is cast to the SQLite one's
 * type so each query is written once; test/store/schema-parity.test.ts keeps their tables and columns the same.
 */
export function dialectTables<T>(s: StoreDb, sqliteTables: T, pgTables: unknown): T {
  return s.dialect === 'postgres' ? (pgTables as T) : sqliteTables;
}

/** A query with `sql.placeholder`s, prepared: SQLite's runs with `.all(values)`, PostgreSQL's with `.execute(values)`. */
interface PreparedQuery<R> {
  all?(values?: Record<string, unknown>): Promise<R[]> | R[];
  execute?(values?: Record<string, unknown>): Promise<R[]>;
}

const preparedOn = new WeakMap<StoreDb, Map<string, PreparedQuery<unknown>>>();

/**
 * Runs a hot query (read on every status) prepared once per connection: on SQLite the repositories live as
 * long as the connection, so the query is built and the statement prepared once, and each call only binds
 * `values` to its `sql.placeholder`s. On PostgreSQL the repositories are built per unit, so the query is
 * built per call, but as a named statement that each pooled connection parses once.
 */
export async function runPrepared<R>(
  s: StoreDb,
  name: string,
  build: () => { prepare(name: string): unknown },
  values: Record<string, unknown>,
): Promise<R[]> {
  let cache = preparedOn.get(s);
  if (!cache) preparedOn.set(s, (cache = new Map()));
  let query = cache.get(name) as PreparedQuery<R> | undefined;
  if (!query) {
    query = build().prepare(name) as PreparedQuery<R>;
    if (s.dialect === 'sqlite') cache.set(name, query as PreparedQuery<unknown>);
  }
  // PostgreSQL's prepared query has an all() too, but only execute() maps its rows to the selected fields.
  if (s.dialect === 'postgres' && query.execute) return await query.execute(values);
  if (s.dialect === 'sqlite' && query.all) return await query.all(values);
  throw new Error(`the prepared query ${name} cannot run`);
}

/**
 * Conditions for instants (ISO text, as the stores write them) in an evidence period: from (included) to
 * before `to`, compared as text, which orders them as time (inPeriod's rule for instants).
 */
export function periodConditions(column: SQLWrapper, period: { from?: string; to?: string }): SQL[] {
  return [
    ...(period.from === undefined ? [] : [sql`${column} >= ${period.from}`]),
    ...(period.to === undefined ? [] : [sql`${column} < ${period.to}`]),
  ];
}

/**
 * A column named with its table ("releases"."id"). Inside sql`` drizzle writes a column by its name alone, so
 * a correlated subquery that names the outer query's column must use this: a bare "id" there is the inner
 * table's own id.
 */
export function qualified(column: Column): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}

/**
 * Whether the workspace has a row of `table` (with `since`: one whose `since.column`, an ISO instant or day, is
 * `since.from` or later). Since a start, the newest value is read from the end of the index on (workspace,
 * column) and compared: a LIMIT 1 over the range would let PostgreSQL scan the table from its oldest rows.
 */
export async function workspaceHasRow(
  s: StoreDb,
  table: Table,
  workspaceColumn: Column,
  workspaceId: number,
  since?: { column: Column; from: string },
): Promise<boolean> {
  // The tables are the dialect's own (dialectTables): the query is the same on both.
  const from = table as never;
  if (!since)
    return (
      (
        await s.db
          .select({ one: sql`1` })
          .from(from)
          .where(eq(workspaceColumn, workspaceId))
          .limit(1)
      ).length > 0
    );
  const rows: Array<{ at: unknown }> = await s.db
    .select({ at: max(since.column) })
    .from(from)
    .where(eq(workspaceColumn, workspaceId));
  const newest = rows[0]?.at;
  return newest !== null && newest !== undefined && String(newest) >= since.from;
}

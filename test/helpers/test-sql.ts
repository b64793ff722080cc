import pg from 'pg';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { testStoreUrl } from './store-kinds.ts';

type Row = Record<string, unknown>;

/**
 * Plain SQL against a test's store, behind the bot's back: what was stored, and rows edited by hand to
 * play an attacker. One text for both dialects: `?` placeholders (numbered for PostgreSQL), and rows as
 * SQLite shows them (counts as numbers, booleans as 1/0), so an assertion reads the same on both stores.
 * Keep the SQL portable (no PRAGMA, no json_extract); a test that needs one dialect says so.
 */
export interface TestSql {
  all<T = Row>(sql: string, ...params: unknown[]): Promise<T[]>;
  get<T = Row>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
  /** count(*) of `table`, with an optional WHERE clause. */
  count(table: string, where?: string, ...params: unknown[]): Promise<number>;
}

const pools = new Map<string, pg.Pool>();

const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

function poolFor(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 500, allowExitOnIdle: true, types });
    pool.on('error', () => undefined);
    pools.set(url, pool);
  }
  return pool;
}

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function asSqliteShows(row: Row): Row {
  const shown: Row = {};
  for (const [key, value] of Object.entries(row)) shown[key] = typeof value === 'boolean' ? Number(value) : value;
  return shown;
}

function sqliteSql(store: SqliteStore): Omit<TestSql, 'count'> {
  return {
    all: async <T>(sql: string, ...params: unknown[]) => store.sqlite.prepare(sql).all(...params) as T[],
    get: async <T>(sql: string, ...params: unknown[]) => store.sqlite.prepare(sql).get(...params) as T | undefined,
    run: async (sql: string, ...params: unknown[]) => store.sqlite.prepare(sql).run(...params).changes,
  };
}

function pgSql(url: string): Omit<TestSql, 'count'> {
  const query = async (sql: string, params: unknown[]) => await poolFor(url).query(numbered(sql), params);
  return {
    all: async <T>(sql: string, ...params: unknown[]) => (await query(sql, params)).rows.map(asSqliteShows) as T[],
    get: async <T>(sql: string, ...params: unknown[]) => {
      const rows = (await query(sql, params)).rows;
      return (rows[0] ? asSqliteShows(rows[0]) : undefined) as T | undefined;
    },
    run: async (sql: string, ...params: unknown[]) => (await query(sql, params)).rowCount ?? 0,
  };
}

/** Plain SQL on `store` (a SQLite store, or a PostgreSQL one made by openTestStore). */
export function sqlOf(store: GovernanceStore): TestSql {
  const url = testStoreUrl(store);
  const base = store instanceof SqliteStore ? sqliteSql(store) : url ? pgSql(url) : undefined;
  if (!base) throw new Error('sqlOf reads only stores made by the test helpers (memoryStore, openTestStore, startTestApp).');
  return {
    ...base,
    count: async (table, where, ...params) => {
      const row = await base.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`, ...params);
      return Number(row?.n ?? 0);
    },
  };
}

import * as sqliteTables from '../schema/index.ts';
import * as pgTables from '../schema-pg/index.ts';
import type { StoreDb } from '../store-db.ts';

/**
 * The kernel's tables in the connection's dialect. The PostgreSQL ones are cast to the SQLite ones' type
 * so each query is written once; test/store/schema-parity.test.ts keeps their tables and columns the same.
 */
export const tables = (s: StoreDb): typeof sqliteTables =>
  s.dialect === 'postgres' ? (pgTables as unknown as typeof sqliteTables) : sqliteTables;

/** The row a returning insert gave back; an insert that returns nothing is a bug, not a missing row. */
export function inserted<T>(rows: readonly T[], table: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`inserting into ${table} returned no row`);
  return row;
}

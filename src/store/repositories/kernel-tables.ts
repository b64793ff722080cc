import * as sqliteTables from '../schema/index.ts';
import * as pgTables from '../schema-pg/index.ts';
import { dialectTables, type StoreDb } from '../store-db.ts';

/**
 * The kernel's tables in the connection's dialect. The PostgreSQL ones are cast to the SQLite ones' type
 * so each query is written once; test/store/schema-parity.test.ts keeps their tables and columns the same.
 */
export const tables = (s: StoreDb): typeof sqliteTables => dialectTables(s, sqliteTables, pgTables);

export { inserted } from '../store-db.ts';

import type Database from 'better-sqlite3';
import { KeptMap } from '../core/kept-map.ts';

/** How many distinct SQL texts keep their compiled statement (a status asks about 60, a whole workspace a few hundred). */
const KEPT_STATEMENTS = 1000;

/** What drizzle's better-sqlite3 session calls on a statement: run, all and get, in object or raw (array) mode. */
export interface StatementFace {
  readonly reader: boolean;
  run(...params: unknown[]): Database.RunResult;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  raw(): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
}

/** The client drizzle is given: `prepare` hands out kept statements; transactions are the connection's own. */
export interface KeptStatementsClient {
  prepare(source: string): StatementFace;
  transaction: Database.Database['transaction'];
}

/**
 * Drizzle prepares every query it runs anew (`client.prepare(sql)` per execution): at a status's sixty
 * queries that was a tenth of its time on a large store. This keeps each SQL text's compiled statement and
 * hands it out again. A kept statement is shared by whoever prepared the same text, so each call sets the
 * mode it needs (objects, or arrays for drizzle's raw reads) just before it runs: no caller sees another's
 * mode. Statements busy iterating are never handed out (one is prepared afresh). PRAGMA statements are not
 * kept: SQLite applies a flag pragma when it is prepared, not when it runs.
 */
export function keptStatements(sqlite: Database.Database, capacity = KEPT_STATEMENTS): KeptStatementsClient {
  const kept = new KeptMap<string, Database.Statement>(capacity);
  const compiled = (source: string): Database.Statement => {
    if (/^\s*pragma/i.test(source)) return sqlite.prepare(source);
    const known = kept.get(source);
    if (known && !known.busy) {
      kept.keep(source, known);
      return known;
    }
    const fresh = sqlite.prepare(source);
    kept.keep(source, fresh);
    return fresh;
  };
  return {
    prepare(source: string): StatementFace {
      const statement = compiled(source);
      // raw(false) only where the statement returns rows (better-sqlite3 refuses it on the others).
      const objects = () => (statement.reader ? statement.raw(false) : statement);
      return {
        reader: statement.reader,
        run: (...params) => statement.run(...params),
        all: (...params) => objects().all(...params),
        get: (...params) => objects().get(...params),
        raw: () => ({
          all: (...params) => statement.raw(true).all(...params),
          get: (...params) => statement.raw(true).get(...params),
        }),
      };
    },
    transaction: sqlite.transaction.bind(sqlite),
  };
}

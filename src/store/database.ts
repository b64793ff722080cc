import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { keptStatements } from './kept-statements.ts';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDatabase {
  sqlite: Database.Database;
  db: Db;
  close(): void;
}

/** The store file cannot be used: `reason` says why in words an operator can act on. */
export class StoreOpenError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`the store ${path} ${reason}`);
    this.name = 'StoreOpenError';
  }
}

// SQLite's and the file system's codes, as what they mean for the operator.
const REASONS: Record<string, string> = {
  SQLITE_NOTADB: 'is not a SQLite database',
  SQLITE_CORRUPT: 'is damaged (database disk image is malformed)',
  SQLITE_CANTOPEN: 'cannot be opened or created (is it a folder, or in a place that is not writable?)',
  SQLITE_READONLY: 'is read-only',
  SQLITE_PERM: 'may not be written (permission denied)',
  SQLITE_IOERR: 'cannot be read or written (I/O error)',
  SQLITE_FULL: 'cannot be written: the disk is full',
  EACCES: 'is in a folder that cannot be created or written (permission denied)',
  EROFS: 'is on a read-only file system',
  ENOTDIR: 'is below a file, not a folder',
  EEXIST: 'is below a file, not a folder',
  ENOSPC: 'cannot be written: the disk is full',
};

/** SQLite and file system errors met while opening a store, as a StoreOpenError; anything else as it was. */
export function asStoreOpenError(path: string, error: unknown): unknown {
  if (error instanceof StoreOpenError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const base = code.startsWith('SQLITE_') ? (code.match(/^SQLITE_[A-Z]+/)?.[0] ?? code) : code;
  const reason = REASONS[base];
  if (reason) return new StoreOpenError(path, `${reason} (${code})`);
  return code.startsWith('SQLITE_') ? new StoreOpenError(path, `cannot be used (${code}: ${(error as Error).message})`) : error;
}

/** Opens (creating its folder) the SQLite file, or ':memory:', with the pragmas the store relies on. */
export function openDatabase(path: string): OpenDatabase {
  let sqlite: Database.Database | undefined;
  try {
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    sqlite = new Database(path);
    // The first statement reads the file: a file that is not a database fails here, not later.
    if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
    return withPragmas(sqlite);
  } catch (error) {
    sqlite?.close();
    throw asStoreOpenError(path, error);
  }
}

/**
 * An in-memory database that starts as a copy of `image` (`sqlite.serialize()` of another one), with the
 * same pragmas. Tests migrate one store per worker and open each test's store from its image.
 */
export function openDatabaseCopy(image: Buffer): OpenDatabase {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(image);
    return withPragmas(sqlite);
  } catch (error) {
    sqlite?.close();
    throw asStoreOpenError(':memory:', error);
  }
}

function withPragmas(sqlite: Database.Database): OpenDatabase {
  sqlite.pragma('foreign_keys = ON');
  // Two processes on one file (a replica, the CLI beside the bot) wait for each other instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // Drizzle is given the connection through keptStatements: each SQL text is compiled once, not per query.
  const db = drizzle({ client: keptStatements(sqlite) as unknown as Database.Database, schema });
  return { sqlite, db, close: () => sqlite.close() };
}

/** `PRAGMA quick_check`: the problems SQLite finds in the file's pages, none when it is sound. */
export function quickCheck(sqlite: Database.Database, maxProblems = 10): string[] {
  try {
    const limit = Math.max(1, Math.floor(maxProblems));
    const rows = sqlite.pragma(`quick_check(${limit})`) as Array<{ quick_check: string }>;
    // SQLite may put several findings in one row, under a "*** in database main ***" heading.
    const problems = rows.flatMap((row) => row.quick_check.split('\n')).filter((line) => line.trim() !== '' && !line.startsWith('***'));
    return problems.length === 1 && problems[0] === 'ok' ? [] : problems.slice(0, limit);
  } catch (error) {
    // A store so damaged that the check itself fails is a problem to report, not a crash.
    return [error instanceof Error ? `quick_check failed: ${error.message}` : 'quick_check failed'];
  }
}

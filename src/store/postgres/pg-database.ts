import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from '../schema-pg/index.ts';
import { DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS } from './pg-defaults.ts';

export type PgDb = NodePgDatabase<typeof schema>;

export interface PgDatabaseOptions {
  /** Connections the pool keeps at most (each unit of work holds one while it runs). */
  poolSize?: number;
  /** Server-side bound on one statement, lock waits included; 0 turns it off. */
  statementTimeoutMs?: number;
}

/** A pool of connections to one PostgreSQL database and drizzle over it. */
export interface PgDatabase {
  readonly pool: pg.Pool;
  readonly db: PgDb;
  close(): Promise<void>;
}

/**
 * Opens a pool on `url`. TLS and other connection settings travel in the URL (`?sslmode=require`...), which
 * node-postgres reads itself. Nothing connects until the first query.
 */
export function openPgDatabase(url: string, options: PgDatabaseOptions = {}): PgDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    // Sent at connection start, so it holds for every statement of every connection, migrations aside.
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
  });
  // An idle connection the server drops (a restart, a failover) is reported here; without a listener Node
  // would crash the process. The pool discards that connection and the next query opens a new one, failing
  // loudly if the database is really gone.
  pool.on('error', () => undefined);
  const db = drizzle({ client: pool, schema });
  let closing: Promise<void> | undefined;
  return {
    pool,
    db,
    close: async () => {
      closing ??= pool.end();
      await closing;
    },
  };
}

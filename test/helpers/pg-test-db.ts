import { inject } from 'vitest';
import { createDatabaseAt } from './pg-create-database.ts';

/** The run's PostgreSQL server (test/global-pg.ts), or undefined when PostgreSQL tests are skipped. */
export function pgTestUrl(): string | undefined {
  return inject('pgUrl');
}

/** A new empty database on the run's server, for one test to migrate and use; its URL. */
export async function freshPgDatabase(): Promise<string> {
  const url = pgTestUrl();
  if (!url) throw new Error('No PostgreSQL for this run: guard the test with it.runIf(pgTestUrl()).');
  return await createDatabaseAt(url);
}

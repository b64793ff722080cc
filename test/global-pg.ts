import type { TestProject } from 'vitest/node';
import { pgBinaries, startPgCluster } from './helpers/pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL server (database `postgres`), or undefined when this machine has none. */
    pgUrl: string | undefined;
  }
}

/**
 * One throwaway PostgreSQL cluster per test run, shared by every worker (tests make their own databases
 * on it). Says in one plain line whether PostgreSQL tests run; a cluster that will not start fails the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = pgBinaries();
  if (!binaries) {
    console.log("PostgreSQL tests SKIPPED: no initdb/pg_ctl found (install Debian's postgresql)");
    project.provide('pgUrl', undefined);
    return async () => undefined;
  }
  // Binaries here but no server is a broken machine, not a reason to skip: the run fails, saying why.
  const cluster = await startPgCluster(binaries).catch((error: unknown) => {
    throw new Error(`PostgreSQL binaries found in ${binaries.dir}, but the test cluster did not start: ${(error as Error).message}`);
  });
  console.log(`PostgreSQL ${cluster.majorVersion} at 127.0.0.1:${cluster.port}: PostgreSQL tests run`);
  project.provide('pgUrl', cluster.url());
  return async () => await cluster.stop();
}

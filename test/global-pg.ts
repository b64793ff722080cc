import type { TestProject } from 'vitest/node';
import { pgBinaries, startPgCluster, type PgCluster } from './helpers/pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL server (database `postgres`), or undefined when this machine has none. */
    pgUrl: string | undefined;
  }
}

// Vitest runs a global setup once per project (and once for the root): the projects share one cluster,
// stopped when the last of them tears down.
const shared = globalThis as { aimsPgCluster?: Promise<PgCluster | undefined>; aimsPgUsers?: number };

async function startOnce(): Promise<PgCluster | undefined> {
  const binaries = pgBinaries();
  if (!binaries) {
    console.log("PostgreSQL tests SKIPPED: no initdb/pg_ctl found (install Debian's postgresql)");
    return undefined;
  }
  // Binaries here but no server is a broken machine, not a reason to skip: the run fails, saying why.
  const cluster = await startPgCluster(binaries).catch((error: unknown) => {
    throw new Error(`PostgreSQL binaries found in ${binaries.dir}, but the test cluster did not start: ${(error as Error).message}`);
  });
  console.log(`PostgreSQL ${cluster.majorVersion} at 127.0.0.1:${cluster.port}: PostgreSQL tests run`);
  return cluster;
}

/**
 * One throwaway PostgreSQL cluster per test run, shared by every project and worker (tests make their own
 * databases on it). Says in one plain line whether PostgreSQL tests run; a cluster that will not start
 * fails the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.aimsPgCluster ??= startOnce();
  shared.aimsPgUsers = (shared.aimsPgUsers ?? 0) + 1;
  const cluster = await shared.aimsPgCluster;
  project.provide('pgUrl', cluster?.url());
  return async () => {
    shared.aimsPgUsers = (shared.aimsPgUsers ?? 1) - 1;
    if (shared.aimsPgUsers === 0) await cluster?.stop();
  };
}

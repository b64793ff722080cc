// Stores for the bench: SQLite files in one temporary directory, PostgreSQL databases on
// AIMS_BENCH_DATABASE_URL or on a throwaway cluster (Debian's binaries), and the bench store's contents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actorOf } from '../../src/core/actor.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { startPgCluster, type PgCluster } from '../../test/helpers/pg-cluster.ts';
import { createDatabaseAt } from '../../test/helpers/pg-create-database.ts';
import type { HostStore } from './hosts.ts';
import { SLACK_TEAM, SLACK_USER, TEAMS_USER } from './load.ts';

export type StoreKind = 'sqlite' | 'postgres';

// Made on first use (a process that only opens a store by its location makes none).
let dir: string | undefined;
let cluster: PgCluster | undefined;
let clusterTried = false;
let files = 0;

/** The PostgreSQL server the bench creates its databases on, or undefined when there is none. */
export async function pgServer(): Promise<string | undefined> {
  if (process.env.AIMS_BENCH_DATABASE_URL) return process.env.AIMS_BENCH_DATABASE_URL;
  if (!clusterTried) {
    clusterTried = true;
    cluster = await startPgCluster().catch(() => undefined);
  }
  return cluster?.url();
}

/** Where a new, empty store of `kind` lives (a SQLite file name, or a fresh PostgreSQL database). */
export async function newStoreLocation(kind: StoreKind): Promise<HostStore> {
  if (kind === 'sqlite') {
    files += 1;
    dir ??= mkdtempSync(join(tmpdir(), 'aims-bench-'));
    return { kind, path: join(dir, `bench-${files}.db`) };
  }
  const server = await pgServer();
  if (!server) throw new Error('no PostgreSQL');
  return { kind, url: await createDatabaseAt(server) };
}

/** Opens (and migrates) the store at a location. */
export async function openAt(location: HostStore): Promise<GovernanceStore> {
  return location.kind === 'sqlite' ? SqliteStore.open(location.path) : await PgStore.open(location.url);
}

/** A new store of `kind`, open. */
export async function openStore(kind: StoreKind): Promise<GovernanceStore> {
  return await openAt(await newStoreLocation(kind));
}

/** The seeded admins of every bench bot (the people the load speaks as). */
export const BENCH_ADMINS = [
  { platform: 'slack' as const, userId: SLACK_USER },
  { platform: 'teams' as const, userId: TEAMS_USER },
];

export const BENCH_PEOPLE = 1000;
export const BENCH_INCIDENTS = 200;

/**
 * The store the side-by-side load runs on: on Slack (T0TEST) and on Teams (tenant-1) each, the admin
 * the load speaks as, 999 other people, 5 AI systems and 200 incidents (open, of every severity).
 */
export async function seedBenchStore(store: GovernanceStore): Promise<void> {
  const services = createServices({
    store,
    clock: systemClock,
    directory: { seedAdmins: BENCH_ADMINS, firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('silent'),
  });
  const workspaces = [
    { platform: 'slack' as const, workspaceExternalId: SLACK_TEAM, admin: SLACK_USER, prefix: 'U0P' },
    { platform: 'teams' as const, workspaceExternalId: 'tenant-1', admin: TEAMS_USER, prefix: 'aad-p' },
  ];
  for (const workspace of workspaces) {
    const meet = async (userExternalId: string) =>
      actorOf(
        await services.directory.contact({
          platform: workspace.platform,
          workspaceExternalId: workspace.workspaceExternalId,
          userExternalId,
          displayName: userExternalId.toLowerCase(),
        }),
      );
    const admin = await meet(workspace.admin);
    for (let i = 1; i < BENCH_PEOPLE; i++) await meet(`${workspace.prefix}${i}`);
    const systems = ['Fraud Scorer', 'Churn Model', 'Support Bot', 'Credit Limits', 'Search Ranker'];
    for (const name of systems)
      await services.systems.add(admin, {
        name,
        description: 'd',
        purpose: 'p',
        ownerPersonId: admin.personId,
        euRiskLevel: 'high',
        internalTier: 'tier-1',
        stage: 'production',
        provider: 'in-house',
      });
    for (let i = 0; i < BENCH_INCIDENTS; i++)
      await services.incidents.report(admin, {
        systemName: systems[i % systems.length] ?? 'Fraud Scorer',
        title: `Incident ${i}`,
        description: 'd',
        severity: (['S1', 'S2', 'S3', 'S4'] as const)[i % 4],
        type: 'other',
        detectedAt: new Date().toISOString(),
        affected: 'a',
      });
  }
}

/** Stops the throwaway cluster and removes the SQLite files. */
export async function cleanUpStores(): Promise<void> {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

// statusAtSize(store, workspaceId, options?): how long `StatusService.summarize` takes on `store` for one
// workspace, in process: the p50 of 3 cold runs (the workspace snapshot dropped before each, so every
// figure is read from the store) and of warm runs (a snapshot hit: what a repeated `status` costs), with
// the process's resident memory before, after, and its peak so far (maxRSS). Prints nothing; returns figures.
//
// Run directly: `npx tsx scripts/bench/status-at-size.ts --store sqlite|postgres [--small]` seeds a store
// (issue 15's sizes, or a small one with --small) in a temp file or a throwaway PostgreSQL cluster
// (AIMS_BENCH_DATABASE_URL instead, when set), then measures in a fresh child process (so peak memory is
// the status's, not the seeding's) and prints one line of figures.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { digestSourcesOf, evidenceSourcesOf, outboxLabelsOf, statusSourcesOf } from '../../src/chat/feature.ts';
import { DigestService } from '../../src/core/digest/digest-service.ts';
import { systemClock, type Clock } from '../../src/core/clock.ts';
import { StatusService } from '../../src/core/status-service.ts';
import { features } from '../../src/features/index.ts';
import { OnboardingService } from '../../src/features/onboarding/service.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { createDatabaseAt } from '../../test/helpers/pg-create-database.ts';
import { seedLargeStore, type SeededStore, type SeedSizes } from './seed-large-store.ts';

export interface StatusAtSize {
  /** Each cold run (snapshot dropped first), in ms, and their median. */
  coldMs: number[];
  coldP50: number;
  /** The median of the warm runs (snapshot hit), in ms. */
  warmP50: number;
  warmRuns: number;
  /**
   * What `/aims status` reads beside the summary (the digest's verdict and the first-run checklist), cold
   * (both dropped first) and warm: the chat router's status page is the summary plus these.
   */
  pageColdMs: number[];
  pageWarmP50: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** The process's peak resident memory so far (getrusage maxRSS), in MB. */
  peakRssMb: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const mb = (bytes: number): number => Math.round(bytes / 1048576);

/** Measures summarize on `store` for `workspaceId` (as `personId`, when given: the per-person part included). */
export async function statusAtSize(
  store: GovernanceStore,
  workspaceId: number,
  options: { personId?: number; cold?: number; warm?: number; clock?: Clock } = {},
): Promise<StatusAtSize> {
  const status = new StatusService(
    store,
    options.clock ?? systemClock,
    'UTC',
    evidenceSourcesOf(features),
    statusSourcesOf(features),
    outboxLabelsOf(features),
  );
  const rssBefore = process.memoryUsage().rss;
  const coldMs: number[] = [];
  for (let i = 0; i < (options.cold ?? 3); i += 1) {
    status.forget(workspaceId);
    const started = performance.now();
    await status.summarize(workspaceId, options.personId);
    coldMs.push(performance.now() - started);
  }
  const warmMs: number[] = [];
  for (let i = 0; i < (options.warm ?? 200); i += 1) {
    const started = performance.now();
    await status.summarize(workspaceId, options.personId);
    warmMs.push(performance.now() - started);
  }
  const clock = options.clock ?? systemClock;
  const digests = new DigestService(store, clock, 'UTC', digestSourcesOf(features));
  const onboarding = new OnboardingService(store, clock);
  const page = async () => {
    await digests.verdict(workspaceId);
    await onboarding.checklist(workspaceId);
  };
  const pageColdMs: number[] = [];
  for (let i = 0; i < (options.cold ?? 3); i += 1) {
    digests.forget(workspaceId);
    onboarding.forget(workspaceId);
    const started = performance.now();
    await page();
    pageColdMs.push(performance.now() - started);
  }
  const pageWarmMs: number[] = [];
  for (let i = 0; i < (options.warm ?? 200); i += 1) {
    const started = performance.now();
    await page();
    pageWarmMs.push(performance.now() - started);
  }
  return {
    coldMs: coldMs.map((ms) => Math.round(ms * 100) / 100),
    coldP50: Math.round(median(coldMs) * 100) / 100,
    warmP50: Math.round(median(warmMs) * 1000) / 1000,
    warmRuns: warmMs.length,
    pageColdMs: pageColdMs.map((ms) => Math.round(ms * 100) / 100),
    pageWarmP50: Math.round(median(pageWarmMs) * 1000) / 1000,
    rssBeforeMb: mb(rssBefore),
    rssAfterMb: mb(process.memoryUsage().rss),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function openStore(kind: string, where: string): Promise<GovernanceStore> {
  return kind === 'postgres' ? await PgStore.open(where) : SqliteStore.open(where);
}

/** Seeds a store, then measures it in a child process (`--measure`), and prints the figures. */
async function main(): Promise<void> {
  const kind = argument('store') ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres') throw new Error('--store sqlite|postgres');
  if (process.argv.includes('--measure')) {
    const store = await openStore(kind, argument('at') ?? '');
    try {
      const personId = argument('person');
      const figures = await statusAtSize(store, Number(argument('workspace')), personId ? { personId: Number(personId) } : {});
      process.stdout.write(`${JSON.stringify(figures)}\n`);
    } finally {
      await store.close();
    }
    return;
  }
  const small = process.argv.includes('--small');
  const sizes: Partial<SeedSizes> = small
    ? {
        people: 200,
        aiSystems: 50,
        incidents: 200,
        correctiveActions: 40,
        releases: 60,
        reviews: 40,
        courses: 6,
        trainingCompletions: 2000,
        auditEvents: 3000,
      }
    : {};
  const keep = argument('keep');
  if (keep) {
    await measureKept(kind, keep, sizes, small);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'aims-status-at-size-'));
  let stopCluster: (() => Promise<void>) | undefined;
  try {
    let where = join(dir, 'aims.db');
    if (kind === 'postgres') {
      if (process.env.AIMS_BENCH_DATABASE_URL) {
        where = await createDatabaseAt(process.env.AIMS_BENCH_DATABASE_URL);
      } else {
        const { startPgCluster } = await import('../../test/helpers/pg-cluster.ts');
        const cluster = await startPgCluster();
        stopCluster = async () => await cluster.stop();
        where = await cluster.createDatabase();
      }
    }
    const store = await openStore(kind, where);
    const started = performance.now();
    let seeded;
    try {
      seeded = await seedLargeStore(store, sizes);
    } finally {
      await store.close();
    }
    const seedSeconds = Math.round((performance.now() - started) / 100) / 10;
    process.stdout.write(
      `status at ${small ? 'small' : 'large'} size on ${kind} (seeded in ${seedSeconds} s): ${measureInChild(kind, where, seeded)}`,
    );
  } finally {
    await stopCluster?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** statusAtSize in a fresh process (its peak memory is the status's): the figures' JSON line. */
function measureInChild(kind: string, where: string, seeded: SeededStore): string {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--measure',
      '--store',
      kind,
      '--at',
      where,
      '--workspace',
      String(seeded.workspaceId),
      '--person',
      String(seeded.approverPersonId),
    ],
    { encoding: 'utf8', env: process.env },
  );
  if (child.status !== 0) throw new Error(`the measuring process failed: ${child.stderr}`);
  return child.stdout;
}

/**
 * `--keep <dir>`: seeds once and keeps the seeded store between runs (a SQLite file in `dir`, or a PostgreSQL
 * database on AIMS_BENCH_DATABASE_URL named in `dir`), as seeded (before this run's migrations); each run
 * measures a copy of it, opened (so migrated: a new migration's backfill is timed too).
 */
async function measureKept(kind: string, dir: string, sizes: Partial<SeedSizes>, small: boolean): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const label = `${kind}${small ? '-small' : ''}`;
  const seededFile = join(dir, `${label}.json`);
  const server = process.env.AIMS_BENCH_DATABASE_URL;
  if (kind === 'postgres' && !server) throw new Error('--keep on postgres needs AIMS_BENCH_DATABASE_URL');
  const pristine = kind === 'postgres' ? `aims_keep_${label.replace('-', '_')}` : join(dir, `${label}.db`);
  if (!existsSync(seededFile)) {
    const where = kind === 'postgres' ? await createDatabaseAt(server ?? '', pristine) : pristine;
    const store = await openStore(kind, where);
    const started = performance.now();
    try {
      const seeded = await seedLargeStore(store, sizes);
      writeFileSync(seededFile, JSON.stringify({ ...seeded, seconds: (performance.now() - started) / 1000 }));
    } finally {
      await store.close();
    }
  }
  const seeded = JSON.parse(readFileSync(seededFile, 'utf8')) as SeededStore & { seconds: number };
  let where: string;
  const copyName = `aims_run_${label.replace('-', '_')}`;
  if (kind === 'postgres') {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${copyName}"`);
    } finally {
      await admin.end();
    }
    where = await createDatabaseAt(server ?? '', copyName, pristine);
  } else {
    where = join(dir, `${label}-run.db`);
    copyFileSync(pristine, where);
  }
  const started = performance.now();
  await (await openStore(kind, where)).close();
  const migrateSeconds = Math.round((performance.now() - started) / 100) / 10;
  process.stdout.write(
    `status at ${small ? 'small' : 'large'} size on ${kind} (kept seed of ${Math.round(seeded.seconds)} s; migrated in ${migrateSeconds} s): ${measureInChild(kind, where, seeded)}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();

import { CardPublisher } from '../chat/card-publisher.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { fixedClock, systemClock } from '../core/clock.ts';
import { DIGEST_JOB, runDigest } from '../jobs/digest-job.ts';
import { NUDGE_JOB, runNudges } from '../jobs/nudge-job.ts';
import { createLogger } from '../logger.ts';
import { messengersFor } from '../messaging.ts';
import { createServices } from '../services.ts';
import { outboxItemLabel } from '../core/status-service.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { applyMigrations } from '../store/migrate.ts';
import { openDatabase } from '../store/database.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: aims <command> [--db <path>]

Commands:
  migrate         apply pending database migrations to the store
  audit verify    walk the audit hash chain; exit 0 when intact, 1 at the first bad event
  release status <id>
                  a release's decision, for CI gates: exit 0 approved, 1 rejected or withdrawn, 2 pending
  jobs run <digest|nudges> [--at <ISO date-time>]
                  run a job now, as of a moment (once per period and workspace)
  jobs list       the schedule, the last runs, and channel posts waiting or failed (the outbox)
  help            this text

The store is AIMS_DB (default ./data/aims.db) unless --db is given.`;

function takeDbPath(args: string[], env: NodeJS.ProcessEnv): { dbPath: string; rest: string[] } {
  const rest = [...args];
  const at = rest.indexOf('--db');
  let dbPath = env.AIMS_DB && env.AIMS_DB.trim() !== '' ? env.AIMS_DB : './data/aims.db';
  if (at >= 0) {
    const value = rest[at + 1];
    if (!value) throw new Error('--db needs a path');
    dbPath = value;
    rest.splice(at, 2);
  }
  return { dbPath, rest };
}

/** `aims jobs …`: needs the platform credentials of the environment to send. */
async function jobsCommand(rest: string[], dbPath: string, io: CliIo): Promise<number> {
  const [, sub, job] = rest;
  let config;
  try {
    config = loadConfig({ ...io.env, AIMS_DB: dbPath });
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : String(error));
    return 2;
  }
  if (sub === 'list') {
    const store = SqliteStore.open(dbPath);
    try {
      io.out(`Schedule (${config.timeZone}): ${DIGEST_JOB} "${config.digestCron}"; ${NUDGE_JOB} "${config.nudgeCron}"; prune-dedupe-keys daily at 03:17.`);
      const services = createServices({ store, clock: systemClock, directory: { seedAdmins: [], firstContactBecomesAdmin: false }, defaultTimeZone: config.timeZone, logger: createLogger('silent') });
      const runs = services.ledger.recentRuns(20);
      if (runs.length === 0) io.out('No runs yet.');
      for (const run of runs) io.out(`${run.job} ${run.period} workspace #${run.workspaceId}: claimed ${run.claimedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ', unfinished'}; ${run.sent} sent, ${run.failed} failed`);
      const outbox = services.outbox.summary();
      const waiting = outbox.pending + outbox.sending;
      io.out(waiting + outbox.failed === 0 ? 'Outbox: everything sent.' : `Outbox: ${waiting} waiting, ${outbox.failed} failed${outbox.oldestWaiting ? ` (oldest waiting queued ${outbox.oldestWaiting})` : ''}.`);
      for (const message of outbox.latest) {
        const what = store.read((repos) => outboxItemLabel(repos, message.workspaceId, message));
        io.out(`  outbox #${message.id} workspace #${message.workspaceId} ${what}: ${message.status === 'failed' ? 'failed' : 'waiting'} after ${message.attempts} attempt(s)${message.lastError ? `; ${message.lastError}` : ''}`);
      }
      return 0;
    } finally {
      store.close();
    }
  }
  if (sub !== 'run' || (job !== DIGEST_JOB && job !== NUDGE_JOB)) {
    io.err(`Usage: aims jobs run <${DIGEST_JOB}|${NUDGE_JOB}> [--at <ISO date-time>] | aims jobs list`);
    return 2;
  }
  const atIndex = rest.indexOf('--at');
  const at = atIndex >= 0 ? new Date(rest[atIndex + 1] ?? '') : new Date();
  if (Number.isNaN(at.getTime())) {
    io.err('--at needs an ISO date-time such as 2026-11-23T09:00:00Z');
    return 2;
  }
  const store = SqliteStore.open(dbPath);
  try {
    const logger = createLogger(config.logLevel);
    const services = createServices({ store, clock: fixedClock(at), directory: { seedAdmins: [], firstContactBecomesAdmin: false }, defaultTimeZone: config.timeZone, logger });
    const cards = new CardPublisher(messengersFor(config), logger);
    if (job === NUDGE_JOB) {
      const reports = await runNudges({ ...services, cards }, at);
      for (const r of reports) io.out(`${r.workspace} ${r.period}: ${r.sent} sent, ${r.alreadySent} already sent, ${r.failed} failed`);
      return reports.some((r) => r.failed > 0) ? 1 : 0;
    }
    const reports = await runDigest({ ...services, cards }, at);
    for (const report of reports) io.out(`${report.workspace} ${report.period}: ${report.outcome}`);
    return reports.some((report) => report.outcome === 'failed') ? 1 : 0;
  } finally {
    store.close();
  }
}

/** Runs one CLI command and returns the process exit code. */
export function runCli(args: string[], io: CliIo): number | Promise<number> {
  let parsed: { dbPath: string; rest: string[] };
  try {
    parsed = takeDbPath(args, io.env);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const [command, sub] = parsed.rest;
  switch (command) {
    case 'migrate': {
      const handle = openDatabase(parsed.dbPath);
      try {
        const { applied } = applyMigrations(handle.sqlite);
        io.out(applied === 0 ? `Store ${parsed.dbPath} is up to date.` : `Applied ${applied} migration(s) to ${parsed.dbPath}.`);
        return 0;
      } finally {
        handle.close();
      }
    }
    case 'audit': {
      if (sub !== 'verify') break;
      const store = SqliteStore.open(parsed.dbPath);
      try {
        const result = store.verifyAudit();
        if (result.ok) {
          io.out(
            result.head
              ? `OK: audit chain intact, ${result.events} events, head #${result.head.sequence} ${result.head.hash}`
              : 'OK: audit chain intact, no events yet',
          );
          return 0;
        }
        io.out(`FAILED: audit chain broken at sequence ${result.firstBadSequence}: ${result.reason}`);
        return 1;
      } finally {
        store.close();
      }
    }
    case 'release': {
      const id = Number((parsed.rest[2] ?? '').replace(/^rel-?/i, ''));
      if (sub !== 'status' || !Number.isInteger(id) || id <= 0) break;
      const store = SqliteStore.open(parsed.dbPath);
      try {
        const release = store.releaseStatus(id);
        if (!release) {
          io.err(`No release ${id} in ${parsed.dbPath}.`);
          return 3;
        }
        io.out(`REL-${id} ${release.system} ${release.version}: ${release.status} (${release.approvals} of ${release.needed} approvals)`);
        return release.status === 'approved' ? 0 : release.status === 'pending' ? 2 : 1;
      } finally {
        store.close();
      }
    }
    case 'jobs':
      return jobsCommand(parsed.rest, parsed.dbPath, io);
    case undefined:
    case 'help':
    case '--help':
      io.out(USAGE);
      return 0;
  }
  io.err(`Unknown command: ${parsed.rest.join(' ')}\n\n${USAGE}`);
  return 2;
}

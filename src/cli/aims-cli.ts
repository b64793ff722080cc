import { CardPublisher } from '../chat/card-publisher.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { fixedClock, systemClock } from '../core/clock.ts';
import { DIGEST_JOB, runDigest } from '../jobs/digest-job.ts';
import { NUDGE_JOB, runNudges } from '../jobs/nudge-job.ts';
import { createLogger } from '../logger.ts';
import type { JobRetries } from '../messaging.ts';
import { createServices } from '../services.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { applyMigrations } from '../store/migrate.ts';
import { startChainsSqlite } from '../store/audit/start-chains-sqlite.ts';
import { openDatabase, StoreOpenError } from '../store/database.ts';
import { existsSync } from 'node:fs';
import { ANCHOR_JOB, runAnchors } from '../jobs/anchor-job.ts';
import { auditAnchors, auditHead, auditVerify, chainOption, expectedHeads } from './audit-commands.ts';
import { auditReport } from './audit-report-command.ts';
import { expectOnly, parseArgs, UsageError, type ParsedArgs } from './cli-args.ts';
import { maskSecrets } from '../core/mask-secrets.ts';
import type { GovernanceStore } from '../store/governance-store.ts';
import { isPostgresUrl, openPostgres, postgresRefusal } from '../store/open-store.ts';
import { EXPORT_OPTIONS, exportSourcesOf, runExport } from './export-command.ts';
import { features } from '../features/index.ts';
import { runReviewExport } from './management-review-export.ts';
import { PACK_EXPORT_OPTIONS, packArguments, runKeysGenerate, runPackExport, runPackVerify } from './pack-commands.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** The waits between a job's Web API retries (JOB_RETRIES otherwise; tests wait milliseconds). */
  jobRetries?: Partial<JobRetries>;
}

const USAGE = `Usage: aims <command> [--db <path>]

Commands:
  migrate         create the store if needed and apply pending database migrations
  audit verify [--workspace slack:<id>|teams:<id>|system] [--expect-head <sequence>:<sha256>]... [--anchors <file>] [--published]
                  walk every audit hash chain (one per workspace, one for the system, and a store's
                  global chain from before the cut-over), or the --workspace one, and cross-check
                  releases, incidents and training completions against them; with published heads,
                  also check the chains still hold exactly those events (catches a truncated or
                  rewritten tail). Exit 0 intact, 1 not, 2 no readable store
  audit head [--workspace slack:<id>|teams:<id>|system] [--json]
                  each chain's head, or the --workspace chain's as "#<sequence> <sha256>": keep it somewhere else
  audit anchors [--json]
                  every head the bot published (digest, daily anchor): where and when
  audit report AUD-<n> --format csv|xlsx [--out <file>] [--workspace <id|name>]
                  an internal audit's report: its findings, the nonconformities they raised, their
                  corrective actions and effectiveness checks; exit 3 when the workspace has no such audit
  release status <id>
                  a release's decision for CI gates, from its decisions and their audit events:
                  exit 0 approved, 1 rejected, withdrawn or a failed check (named), 2 pending, 3 unknown
  jobs run <digest|nudges|anchor> [--at <ISO date-time>]
                  run a job now, as of a moment (once per period and workspace)
  jobs list       the schedule, the last runs, and channel posts waiting or failed (the outbox)
  db copy --from <SQLite file> --to <postgres://… URL>
                  copy a SQLite store into an empty PostgreSQL database (migrated first), then verify
                  the copy's audit chain and compare its head with the source's; prints rows per table
  <soa|…> export --format csv|xlsx [--out <file>] [--workspace <id|name>] [--at <ISO date-time>]
                  an area's records for auditors and spreadsheets, one row per record (README,
                  "Exports"): CSV to standard output or --out; xlsx to --out (default <area>.xlsx).
                  --workspace when the store holds more than one
  management-review export MR-<n> --format csv|xlsx|md [--out <file>] [--workspace <id|name>]
                  one management review's inputs, attendees, decisions and actions; md: its minutes
  export --workspace <slack:T…|teams:…> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--out pack.zip]
                  the signed evidence pack of one workspace and period for auditors (README, "How an
                  auditor checks a pack"): index.pdf, soa.xlsx, every register as xlsx and CSV, the
                  audit chain's segment and manifest.json, signed with AIMS_SIGNING_KEY when set
  audit verify --pack <pack.zip> [--public-key <key>]
                  check a pack with no store: every file's sha256, the signature, the chain segment and
                  the records the PDF cites. Exit 0 OK, 1 a check failed (named), 2 unreadable
  keys generate   a new Ed25519 key pair: AIMS_SIGNING_KEY for the bot, the public key for auditors
  help            this text

The store is AIMS_DATABASE_URL (PostgreSQL) if set, else AIMS_DB (default ./data/aims.db), unless
--db is given (a file path, or a postgres:// URL). Every command but migrate
needs an existing store: a missing file is an error, never a new empty store.`;

function dbPathOf(parsed: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const url = env.AIMS_DATABASE_URL?.trim();
  return parsed.values.get('--db')?.[0] ?? (url ? url : env.AIMS_DB && env.AIMS_DB.trim() !== '' ? env.AIMS_DB : './data/aims.db');
}

/** Opens an existing store; a mistyped path must not verify a fresh empty store as "OK". */
function requireStoreFile(dbPath: string): void {
  if (dbPath !== ':memory:' && !dbPath.startsWith('file:') && !isPostgresUrl(dbPath) && !existsSync(dbPath)) {
    throw new UsageError(`No store at ${dbPath} (from --db or AIMS_DB). Check the path; "aims migrate" creates a new store.`);
  }
}

/** The store at a file path or a postgres:// URL; a PostgreSQL database is migrated like the bot does at start. */
async function openAt(target: string): Promise<GovernanceStore> {
  return isPostgresUrl(target) ? await openPostgres(target) : SqliteStore.open(target);
}

async function openExisting(target: string): Promise<GovernanceStore> {
  if (!isPostgresUrl(target)) requireStoreFile(target);
  return await openAt(target);
}

/** `aims jobs …`: needs the platform credentials of the environment to send. */
async function jobsCommand(rest: string[], dbPath: string, io: CliIo): Promise<number> {
  const [, sub, job] = rest;
  let config;
  try {
    config = loadConfig(
      isPostgresUrl(dbPath) ? { ...io.env, AIMS_DATABASE_URL: dbPath } : { ...io.env, AIMS_DB: dbPath, AIMS_DATABASE_URL: '' },
    );
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : String(error));
    return 2;
  }
  if (sub === 'list') {
    const store = await openAt(dbPath);
    try {
      io.out(
        `Schedule (${config.timeZone}): ${DIGEST_JOB} "${config.digestCron}"; ${NUDGE_JOB} "${config.nudgeCron}"; prune-dedupe-keys daily at 03:17.`,
      );
      const services = createServices({
        store,
        clock: systemClock,
        directory: { seedAdmins: [], firstContactBecomesAdmin: false },
        defaultTimeZone: config.timeZone,
        logger: createLogger('silent'),
      });
      const runs = await services.ledger.recentRuns(20);
      if (runs.length === 0) io.out('No runs yet.');
      for (const run of runs)
        io.out(
          `${run.job} ${run.period} workspace #${run.workspaceId}: claimed ${run.claimedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ', unfinished'}; ${run.sent} sent, ${run.failed} failed`,
        );
      const outbox = await services.outbox.summary();
      const waiting = outbox.pending + outbox.sending;
      io.out(
        waiting + outbox.failed === 0
          ? 'Outbox: everything sent.'
          : `Outbox: ${waiting} waiting, ${outbox.failed} failed${outbox.oldestWaiting ? ` (oldest waiting queued ${outbox.oldestWaiting})` : ''}.`,
      );
      for (const message of outbox.latest) {
        const what = await services.status.describeOutboxItem(message.workspaceId, message);
        io.out(
          `  outbox #${message.id} workspace #${message.workspaceId} ${what}: ${message.status === 'failed' ? 'failed' : 'waiting'} after ${message.attempts} attempt(s)${message.lastError ? `; ${message.lastError}` : ''}`,
        );
      }
      return 0;
    } finally {
      await store.close();
    }
  }
  if (sub !== 'run' || (job !== DIGEST_JOB && job !== NUDGE_JOB && job !== ANCHOR_JOB)) {
    io.err(`Usage: aims jobs run <${DIGEST_JOB}|${NUDGE_JOB}|${ANCHOR_JOB}> [--at <ISO date-time>] | aims jobs list`);
    return 2;
  }
  const atIndex = rest.indexOf('--at');
  const at = atIndex >= 0 ? new Date(rest[atIndex + 1] ?? '') : new Date();
  if (Number.isNaN(at.getTime())) {
    io.err('--at needs an ISO date-time such as 2026-11-23T09:00:00Z');
    return 2;
  }
  const store = await openAt(dbPath);
  try {
    const logger = createLogger(config.logLevel);
    const services = createServices({
      store,
      clock: fixedClock(at),
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: config.timeZone,
      logger,
    });
    // Loaded here, not at the top: Bolt and botbuilder are for sending, and other commands start faster without them.
    const { messengersFor } = await import('../messaging.ts');
    const cards = new CardPublisher(await messengersFor(config, io.jobRetries), logger);
    if (job === NUDGE_JOB) {
      const reports = await runNudges({ ...services, cards }, at);
      for (const r of reports) io.out(`${r.workspace} ${r.period}: ${r.sent} sent, ${r.alreadySent} already sent, ${r.failed} failed`);
      return reports.some((r) => r.failed > 0) ? 1 : 0;
    }
    if (job === ANCHOR_JOB) {
      const reports = await runAnchors({ ...services, cards }, at);
      for (const r of reports) io.out(`${r.workspace} ${r.period}: ${r.outcome}${r.head ? ` ${r.head}` : ''}`);
      return reports.some((r) => r.outcome === 'failed') ? 1 : 0;
    }
    const reports = await runDigest({ ...services, cards }, at);
    for (const report of reports) io.out(`${report.workspace} ${report.period}: ${report.outcome}`);
    return reports.some((report) => report.outcome === 'failed') ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** Runs one CLI command and returns the process exit code. */
export async function runCli(args: string[], terminal: CliIo): Promise<number> {
  // Errors echo arguments and store paths, which may be database URLs: no password reaches the terminal.
  const io: CliIo = { ...terminal, out: (line) => terminal.out(maskSecrets(line)), err: (line) => terminal.err(maskSecrets(line)) };
  try {
    return await dispatch(parseArgs(args), io);
  } catch (error) {
    // A store that cannot be read was not checked: exit 2 like a missing one, never 1 (rejected, or tampered).
    if (error instanceof StoreOpenError) {
      io.err(`aims: ${error.message}`);
      return 2;
    }
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${USAGE}`);
    return 2;
  }
}

async function dispatch(parsed: ParsedArgs, io: CliIo): Promise<number | Promise<number>> {
  const dbPath = dbPathOf(parsed, io.env);
  const [command, sub] = parsed.positionals;
  if (parsed.flags.has('--help')) {
    io.out(USAGE);
    return 0;
  }
  if (command === 'management-review' && sub === 'export' && parsed.positionals[2] !== undefined) {
    expectOnly(parsed, 'management-review export', ['--format', '--out', '--workspace'], 3);
    const store = await openExisting(dbPath);
    try {
      return await runReviewExport(parsed.positionals[2], store, parsed, io);
    } finally {
      await store.close();
    }
  }
  const exported = command === undefined ? undefined : exportSourcesOf(features).get(command);
  if (exported && sub === 'export') {
    expectOnly(parsed, `${command} export`, EXPORT_OPTIONS, 2);
    const store = await openExisting(dbPath);
    try {
      return await runExport(exported, store, parsed, io);
    } finally {
      await store.close();
    }
  }
  switch (command) {
    case 'migrate': {
      expectOnly(parsed, 'migrate', [], 1);
      if (isPostgresUrl(dbPath)) {
        // Opening the store applies what is pending (under the migration lock), and says why a server refuses.
        // pg is loaded only for PostgreSQL (about 15 MB a SQLite command does not need).
        const { openPgDatabase } = await import('../store/postgres/pg-database.ts');
        const { applyPgMigrations } = await import('../store/postgres/pg-migrate.ts');
        const database = openPgDatabase(dbPath);
        try {
          const { applied } = await applyPgMigrations(database.pool).catch((error: unknown) => {
            throw postgresRefusal(dbPath, error);
          });
          io.out(applied === 0 ? `Store ${dbPath} is up to date.` : `Applied ${applied} migration(s) to ${dbPath}.`);
        } finally {
          await database.close();
        }
        // Opening the store runs the audit chains' cut-over (a genesis event per chain on a store migrated from one global chain).
        const store = await openPostgres(dbPath);
        await store.close();
        return 0;
      }
      const handle = openDatabase(dbPath);
      try {
        const { applied } = applyMigrations(handle.sqlite);
        io.out(applied === 0 ? `Store ${dbPath} is up to date.` : `Applied ${applied} migration(s) to ${dbPath}.`);
        const started = startChainsSqlite(handle.sqlite);
        if (started > 0) io.out(`Started ${started} audit chain(s), each continuing from the global chain's head.`);
        return 0;
      } finally {
        handle.close();
      }
    }
    case 'export': {
      expectOnly(parsed, 'export', PACK_EXPORT_OPTIONS, 1);
      packArguments(parsed);
      const store = await openExisting(dbPath);
      try {
        return await runPackExport(store, parsed, io);
      } finally {
        await store.close();
      }
    }
    case 'keys': {
      if (sub !== 'generate') break;
      expectOnly(parsed, 'keys generate', [], 2);
      return runKeysGenerate(io);
    }
    case 'audit': {
      if (sub === 'report') {
        expectOnly(parsed, 'audit report', EXPORT_OPTIONS, 3);
        const store = await openExisting(dbPath);
        try {
          return await auditReport(store, parsed, io);
        } finally {
          await store.close();
        }
      }
      if (sub === 'verify' && parsed.values.has('--pack')) {
        expectOnly(parsed, 'audit verify --pack', ['--pack', '--public-key'], 2);
        return runPackVerify(parsed, io);
      }
      const allowed =
        sub === 'verify'
          ? ['--expect-head', '--anchors', '--published', '--workspace']
          : sub === 'head'
            ? ['--json', '--workspace']
            : sub === 'anchors'
              ? ['--json']
              : undefined;
      if (!allowed) break;
      expectOnly(parsed, `audit ${sub}`, allowed, 2);
      // Bad heads are refused before the store is opened.
      if (sub === 'verify') await expectedHeads({ ...parsed, flags: new Set() }, undefined);
      const store = await openExisting(dbPath);
      try {
        if (sub === 'anchors') return await auditAnchors(store, parsed, io);
        const chain = await chainOption(parsed, store);
        if (sub === 'head') return await auditHead(store, parsed, io, chain);
        return await auditVerify(store, await expectedHeads(parsed, store, chain), parsed, io, chain);
      } finally {
        await store.close();
      }
    }
    case 'release': {
      const id = Number((parsed.positionals[2] ?? '').replace(/^rel-?/i, ''));
      if (sub !== 'status' || !Number.isInteger(id) || id <= 0) break;
      expectOnly(parsed, 'release status', [], 3);
      const store = await openExisting(dbPath);
      try {
        const gate = await store.releaseStatus(id);
        if (!gate) {
          io.err(`No release ${id} in ${dbPath}.`);
          return 3;
        }
        const name = `REL-${id} ${gate.system} ${gate.version}`;
        if (gate.verdict === 'failed') {
          io.out(`${name}: NOT APPROVED: check "${gate.failedCheck}" failed: ${gate.detail}`);
          return 1;
        }
        io.out(`${name}: ${gate.verdict} (${gate.approvals} of ${gate.needed} approvals)`);
        return gate.verdict === 'approved' ? 0 : gate.verdict === 'pending' ? 2 : 1;
      } finally {
        await store.close();
      }
    }
    case 'jobs': {
      expectOnly(parsed, 'jobs', sub === 'run' ? ['--at'] : [], sub === 'run' ? 3 : 2);
      requireStoreFile(dbPath);
      const at = parsed.values.get('--at')?.[0];
      return await jobsCommand([...parsed.positionals, ...(at === undefined ? [] : ['--at', at])], dbPath, io);
    }
    case 'db': {
      if (sub !== 'copy') break;
      expectOnly(parsed, 'db copy', ['--from', '--to'], 2);
      const { dbCopy } = await import('./db-copy-command.ts');
      return await dbCopy(parsed.values.get('--from')?.[0], parsed.values.get('--to')?.[0], existsSync, io);
    }
    case undefined:
    case 'help':
      io.out(USAGE);
      return 0;
  }
  io.err(`Unknown command: ${parsed.positionals.join(' ')}\n\n${USAGE}`);
  return 2;
}

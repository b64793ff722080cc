import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App as SlackApp } from '@slack/bolt';
import { mountReleaseApi } from './api/releases-api.ts';
import { mountObjectiveApi } from './api/objectives-api.ts';
import { mountPackDownloads } from './api/pack-downloads.ts';
import type { Messengers } from './chat/channel-messenger.ts';
import { ChatRouter } from './chat/chat-router.ts';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { startJobs } from './jobs/job-scheduler.ts';
import { pruneDedupeKeys } from './jobs/prune-dedupe-keys.ts';
import { jobSlackMessenger, outboxSlackMessenger, type JobRetries } from './messaging.ts';
import { OutboxSender, type OutboxRetry } from './chat/outbox-sender.ts';
import { DIGEST_JOB, runDigest } from './jobs/digest-job.ts';
import { NUDGE_JOB, runNudges } from './jobs/nudge-job.ts';
import { ANCHOR_JOB, runAnchors } from './jobs/anchor-job.ts';
import { OBJECTIVES_JOB, runObjectiveReadings } from './jobs/objective-readings-job.ts';
import { CardPublisher } from './chat/card-publisher.ts';
import { PackWorker, type PackWorkerOptions } from './features/evidence-pack/worker.ts';
import { createLogger, type Logger } from './logger.ts';
import { createHttpApp, finishHttpApp } from './server.ts';
import { createServices } from './services.ts';
import { features } from './features/index.ts';
import { outboxSubjectsOf } from './chat/feature.ts';
import { createSlackApp, socketModeConnectionOf } from './slack/slack-app.ts';
import type { SocketModeConnection } from './slack/socket-mode-connection.ts';
import type { SlackConfigOn } from './slack/slack-config.ts';
import { quickCheck } from './store/database.ts';
import type { GovernanceStore } from './store/governance-store.ts';
import { openConfiguredStore } from './store/open-store.ts';
import { SqliteStore } from './store/sqlite-store.ts';

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Web API retries (tests pass 0); the client's default otherwise. */
  slackRetries?: number;
  /** Skip the scheduled jobs (tests drive jobs directly). */
  jobs?: boolean;
  /** Where Teams signing keys are fetched (tests serve their own); Microsoft's otherwise. */
  teamsOpenIdMetadataUrl?: string;
  /** Waits between Socket Mode connection attempts (tests pass short ones). */
  slackReconnectDelaysMs?: number[];
  /** Backoff of the outbox (tests retry in milliseconds). */
  outboxRetry?: Partial<OutboxRetry>;
  /** The outbox's wall clock and how it waits for a retry (tests skip ahead instead of waiting); the real ones otherwise. */
  outboxClock?: { now: () => Date; sleep: (ms: number) => Promise<void> };
  /** How long a person's request waits for its posts before they are reported queued (config's, or SEND_BUDGET_MS). */
  outboxSendBudgetMs?: number;
  /** The waits between a job's Web API retries (JOB_RETRIES otherwise; tests wait milliseconds). */
  jobRetries?: Partial<JobRetries>;
  /** A store already open, closed with the app (tests pass a copy of a migrated one); the configured one otherwise. */
  store?: GovernanceStore;
  /** Build and send `/aims export` requests in this process (true; tests stop a process between the answer and the build). */
  packWorker?: boolean | PackWorkerOptions;
}

export interface RunningAims {
  url: string;
  store: GovernanceStore;
  /** Runs a scheduled job now, as of a moment, through this process's platform connections. */
  runJob(job: 'digest' | 'nudges' | 'anchor' | 'objective-readings', at: Date, onlyWhereDue?: boolean): Promise<unknown>;
  slack?: SlackApp;
  close(): Promise<void>;
}

function slackSettings(config: Config, retries: number | undefined, reconnectDelaysMs?: number[]): SlackConfigOn | undefined {
  const { slack } = config;
  const common = { botToken: slack.botToken ?? '', apiUrl: slack.apiUrl, retries };
  if (slack.mode === 'http') return { ...common, mode: 'http', signingSecret: slack.signingSecret ?? '' };
  if (slack.mode === 'socket')
    return {
      ...common,
      mode: 'socket',
      appToken: slack.appToken ?? '',
      signingSecret: slack.signingSecret,
      ...(reconnectDelaysMs ? { reconnectDelaysMs } : {}),
    };
  return undefined;
}

/** Composition root: opens the store, builds the services, mounts Slack and Teams, listens. */
export async function startAims(config: Config, options: StartOptions = {}): Promise<RunningAims> {
  const logger = options.logger ?? createLogger(config.logLevel, { service: 'aims-bot' });
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openConfiguredStore(config));
  // A damaged SQLite file still starts (to say so), but /healthz reports it degraded until a check passes.
  // PostgreSQL checks its own pages; its server answers for them.
  const sqlite = store instanceof SqliteStore ? store.sqlite : undefined;
  const problemsAtStart = sqlite ? quickCheck(sqlite) : [];
  if (problemsAtStart.length > 0) logger.error('store failed PRAGMA quick_check', { database: config.dbPath, problems: problemsAtStart });
  logger.info('store open', { store: store.describe() });

  const services = createServices({
    store,
    clock,
    directory: { seedAdmins: config.seedAdmins, firstContactBecomesAdmin: config.localMode },
    defaultTimeZone: config.timeZone,
    logger,
  });
  const messengers: Messengers = {};
  // The outbox sends through the adapters' messengers, Slack through a client that leaves retries to it.
  const outboxMessengers: Messengers = {};
  const sendBudgetMs = options.outboxSendBudgetMs ?? config.outboxSendBudgetMs;
  const outbox = new OutboxSender(services, outboxMessengers, {
    logger,
    subjects: outboxSubjectsOf(features),
    ...(options.outboxRetry ? { retry: options.outboxRetry } : {}),
    ...(options.outboxClock ? { now: options.outboxClock.now, sleep: options.outboxClock.sleep } : {}),
    ...(sendBudgetMs === undefined ? {} : { sendBudgetMs }),
  });
  const router = new ChatRouter(services, features, messengers, outbox);

  // Built after the HTTP app it reports on (Slack mounts its routes there).
  const slackLink: { socket?: SocketModeConnection } = {};
  const http = createHttpApp({
    // Which kind of store, never its path or URL: /healthz answers anyone.
    store: store.dialect,
    databaseReachable: async () => await store.isReachable(),
    ...(sqlite ? { storeProblems: () => quickCheck(sqlite) } : {}),
    problemsAtStart,
    ...(config.slack.mode === 'socket' ? { slackConnection: () => slackLink.socket?.state() ?? 'connecting' } : {}),
    platforms: {
      slack: config.slack.mode,
      teams: !config.teams.enabled ? 'off' : config.localMode ? 'local' : 'authenticated',
    },
  });

  const slackConfig = slackSettings(config, options.slackRetries, options.slackReconnectDelaysMs);
  const slack = slackConfig ? createSlackApp({ config: slackConfig, router, messengers, logger, http }) : undefined;
  const slackSocket = slack ? socketModeConnectionOf(slack) : undefined;
  slackLink.socket = slackSocket;
  // botbuilder and the Azure SDK under it (tens of MB) are loaded only where Teams is configured.
  if (config.teams.enabled) {
    const { mountTeams } = await import('./teams/teams-adapter.ts');
    mountTeams(
      http,
      config.teams,
      router,
      messengers,
      logger,
      options.teamsOpenIdMetadataUrl ? { openIdMetadataUrl: options.teamsOpenIdMetadataUrl } : {},
    );
  }
  if (config.apiTokens.length > 0) mountReleaseApi(http, { router, services, tokens: config.apiTokens, logger });
  if (config.apiTokens.length > 0) mountObjectiveApi(http, { services, outbox, tokens: config.apiTokens, logger });
  mountPackDownloads(http, services);
  finishHttpApp(http, logger);

  const server = await listen(http, config.port, config.host);
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  services.evidencePack.servedAt(config.publicUrl ?? url);
  // Socket Mode connects in the background: an unreachable Slack is logged, retried and reported
  // on /healthz, while jobs, Teams and the API run.
  slackSocket?.start();
  const outboxSlack = slack ? outboxSlackMessenger(config, logger) : undefined;
  Object.assign(outboxMessengers, messengers, outboxSlack ? { slack: outboxSlack } : {});
  // What a previous process committed but never sent goes out now.
  await outbox.start();
  // Evidence packs asked for and not yet sent (by this process before a restart, or another replica's) too.
  const packs =
    options.packWorker === false
      ? undefined
      : new PackWorker(services, outboxMessengers, {
          ...(options.outboxClock ? { now: options.outboxClock.now, sleep: options.outboxClock.sleep } : {}),
          // A failure notice queued by the worker goes out now, not at the outbox's next round.
          onQueued: () => outbox.kick(),
          ...(typeof options.packWorker === 'object' ? options.packWorker : {}),
        });
  await packs?.start();

  // Jobs send with bounded retries (JOB_RETRIES): one unreachable person must not stall everyone.
  const jobSlack = config.slack.mode !== 'off' ? jobSlackMessenger(config, options.jobRetries) : undefined;
  const jobMessengers: Messengers = { ...messengers, ...(jobSlack ? { slack: jobSlack } : {}) };
  const runJob = async (job: 'digest' | 'nudges' | 'anchor' | 'objective-readings', at: Date, onlyWhereDue = false) => {
    const deps = { ...services, cards: new CardPublisher(jobMessengers, logger) };
    if (job === OBJECTIVES_JOB) return await runObjectiveReadings({ ...deps, outbox }, at, onlyWhereDue);
    if (job === ANCHOR_JOB) return await runAnchors(deps, at, onlyWhereDue);
    return job === DIGEST_JOB ? await runDigest(deps, at, onlyWhereDue) : await runNudges(deps, at, onlyWhereDue);
  };
  const jobs =
    options.jobs === false
      ? undefined
      : startJobs(
          [
            { name: 'prune-dedupe-keys', schedule: '17 3 * * *', run: async () => await pruneDedupeKeys(services.dedupe, logger) },
            // Checked hourly by default; each workspace's setup picks its own hour (and weekday for the digest).
            { name: DIGEST_JOB, schedule: config.digestCron, run: async () => await runJob('digest', clock.now(), true) },
            { name: NUDGE_JOB, schedule: config.nudgeCron, run: async () => await runJob('nudges', clock.now(), true) },
            // The daily anchor, checked at each workspace's digest hour; a head the digest published counts too.
            { name: ANCHOR_JOB, schedule: config.digestCron, run: async () => await runJob('anchor', clock.now(), true) },
            // The bot's own objective readings, at each workspace's nudge hour (before its nudges, which name missing readings).
            { name: OBJECTIVES_JOB, schedule: config.nudgeCron, run: async () => await runJob(OBJECTIVES_JOB, clock.now(), true) },
          ],
          config.timeZone,
          logger,
        );

  logger.info('aims-bot listening', {
    url,
    database: config.dbPath,
    slack: config.slack.mode,
    teams: config.teams.enabled ? (config.localMode ? 'local' : 'authenticated') : 'off',
  });
  if (config.localMode) {
    logger.warn(
      `LOCAL MODE: no Slack or Teams credentials are set. The Teams endpoint ${url}/api/messages runs with authentication OFF and listens on ${config.host} only. Run "npm run playground" to chat with the bot.`,
    );
  }

  return {
    url,
    store,
    runJob,
    ...(slack ? { slack } : {}),
    async close() {
      await jobs?.stop();
      await outbox.stop();
      await packs?.stop();
      await slackSocket?.stop();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await store.close();
    },
  };
}

function listen(app: ReturnType<typeof createHttpApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    // Keep idle connections longer than the clients and proxies in front of us do (Node's 5 s default
    // is shorter than most load balancers' 60 s): otherwise a reused connection can be closed by us
    // just as a request arrives on it, and the caller sees ECONNRESET.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

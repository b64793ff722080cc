import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock, type Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { startFakeSlackApi } from './fake-slack-api.ts';
import { startFakeTeamsConnector } from './fake-teams-connector.ts';
import { TEST_SIGNING_SECRET } from './slack-signing.ts';
import { openTestStore } from './store-kinds.ts';

export const TEST_START = '2026-11-22T10:00:00.000Z';

/** A clock a test moves on by hand (days passing between a snooze and a job run). */
export function movableClock(at: string): Clock & { set(at: string): void } {
  let instant = new Date(at);
  return { now: () => new Date(instant), set: (next: string) => (instant = new Date(next)) };
}

/** The outbox's wall clock in tests: see skippingWallClock. */
export interface SkippingWallClock {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** While held, no retry wakes (a test looks at a message waiting for its retry); released, they all do. */
  hold(on: boolean): void;
}

/**
 * A wall clock for the outbox that skips ahead instead of waiting: it reads the real time plus how far
 * it has skipped, and a sleep of `ms` yields for a moment, then moves the clock on to at least the
 * wake-up instant. A retry due in 1 s (Slack's Retry-After) is recorded 1 s ahead and goes out once
 * this clock has passed it, without a test waiting the second. It never goes back.
 */
export function skippingWallClock(): SkippingWallClock {
  let skipped = 0;
  let held: Array<() => void> | undefined;
  const now = () => new Date(Date.now() + skipped);
  return {
    now,
    sleep: (ms) => {
      const wakeAt = now().getTime() + ms;
      return new Promise<void>((resolve) => {
        const wake = () => {
          skipped = Math.max(skipped, wakeAt - Date.now());
          resolve();
        };
        setTimeout(() => (held ? held.push(wake) : wake()), 1).unref();
      });
    },
    hold(on) {
      if (on) held ??= [];
      else {
        const waiting = held ?? [];
        held = undefined;
        for (const wake of waiting) wake();
      }
    },
  };
}

/** Waits between a job's Web API retries in tests: the same retries as JOB_RETRIES, milliseconds apart. */
export const TEST_JOB_RETRIES = { minTimeout: 5, maxTimeout: 20 };

export interface TestAppOptions {
  /** The outbox's clock (a fresh skippingWallClock otherwise): pass one to hold its retries. */
  outboxClock?: SkippingWallClock;
  /** How long a request waits for its posts before they are reported queued (the app's 2 s otherwise). */
  outboxSendBudgetMs?: number;
}

/** A running bot; tests read what it stored through sqlOf(app.store) (test/helpers/test-sql.ts). */
export type TestApp = RunningAims;

/**
 * The whole bot on a loopback port, configured from an environment. Its store is this project's (see
 * TEST_STORE_KIND): a copy of the migrated SQLite image, or a fresh PostgreSQL database. An env that names
 * its own AIMS_DB file gets that file.
 */
export async function startTestApp(
  env: Record<string, string>,
  clock: Clock = fixedClock(TEST_START),
  options: TestAppOptions = {},
): Promise<TestApp> {
  const config = loadConfig({ AIMS_DB: ':memory:', PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  // In memory, the store is a copy of the migrated image (or template database) instead of being migrated again.
  const store = config.dbPath === ':memory:' ? await openTestStore(undefined, { poolSize: 6 }) : undefined;
  try {
    const app = await startAims(config, {
      clock,
      slackRetries: 0,
      jobs: false,
      logger: createLogger('silent'),
      outboxRetry: { baseMs: 20, maxMs: 200 },
      outboxClock: skippingWallClock(),
      jobRetries: TEST_JOB_RETRIES,
      ...(store ? { store } : {}),
      ...options,
    });
    return app;
  } catch (error) {
    await store?.close();
    throw error;
  }
}

/** Bolt in HTTP mode, its Web API pointed at a fake Slack that records every call. */
export async function startSlackHarness(
  env: Record<string, string> = {},
  directory: Parameters<typeof startFakeSlackApi>[0] = {},
  clock?: Clock,
  options: TestAppOptions = {},
) {
  const slackApi = await startFakeSlackApi(directory);
  const app = await startTestApp(
    {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slackApi.apiUrl,
      ...env,
    },
    clock,
    options,
  );
  return {
    app,
    slackApi,
    eventsUrl: `${app.url}/slack/events`,
    async close() {
      await app.close();
      await slackApi.close();
    },
  };
}

/** The CloudAdapter (local mode unless credentials are given) with a fake connector as serviceUrl. */
export async function startTeamsHarness(
  env: Record<string, string> = {},
  members: Parameters<typeof startFakeTeamsConnector>[0] = {},
  clock?: Clock,
) {
  const connector = await startFakeTeamsConnector(members);
  const app = await startTestApp(env, clock);
  return {
    app,
    connector,
    messagesUrl: `${app.url}/api/messages`,
    post: (activity: unknown, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      }),
    async close() {
      await app.close();
      await connector.close();
    },
  };
}

import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock, type Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { startFakeSlackApi } from './fake-slack-api.ts';
import { startFakeTeamsConnector } from './fake-teams-connector.ts';
import { TEST_SIGNING_SECRET } from './slack-signing.ts';

export const TEST_START = '2026-11-22T10:00:00.000Z';

/** A clock a test moves on by hand (days passing between a snooze and a job run). */
export function movableClock(at: string): Clock & { set(at: string): void } {
  let instant = new Date(at);
  return { now: () => new Date(instant), set: (next: string) => (instant = new Date(next)) };
}

/** The whole bot on a loopback port with an in-memory store, configured from an environment. */
export async function startTestApp(env: Record<string, string>, clock: Clock = fixedClock(TEST_START)): Promise<RunningAims> {
  const config = loadConfig({ AIMS_DB: ':memory:', PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  return startAims(config, {
    clock,
    slackRetries: 0,
    jobs: false,
    logger: createLogger('silent'),
    outboxRetry: { baseMs: 20, maxMs: 200 },
  });
}

/** Bolt in HTTP mode, its Web API pointed at a fake Slack that records every call. */
export async function startSlackHarness(
  env: Record<string, string> = {},
  directory: Parameters<typeof startFakeSlackApi>[0] = {},
  clock?: Clock,
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

import { afterEach, describe, expect, it } from 'vitest';
import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { startFakeSlackApi } from '../helpers/fake-slack-api.ts';
import { teamsMessage } from '../helpers/fake-teams-connector.ts';
import { startFakeSlackSocket } from '../helpers/fake-slack-socket.ts';
import { TEST_START } from '../helpers/start-test-app.ts';
import { openTestStore, TEST_STORE_KIND } from '../helpers/store-kinds.ts';

type Json = Record<string, unknown>;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The whole bot in Socket Mode against fakes, its log lines kept. */
async function startSocketModeBot(apiUrl: string, env: Record<string, string> = {}, jobs = false) {
  const lines: string[] = [];
  const config = loadConfig({
    AIMS_DB: ':memory:',
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_APP_TOKEN: 'xapp-test-token',
    SLACK_API_URL: apiUrl,
    ...env,
  });
  // This project's store (SQLite in memory, or a PostgreSQL database of its own); the bot closes it.
  const store = await openTestStore();
  const app: RunningAims = await startAims(config, {
    store,
    clock: fixedClock(TEST_START),
    slackRetries: 0,
    jobs,
    slackReconnectDelaysMs: [20, 40],
    logger: createLogger('info', { service: 'aims-bot' }, (line) => lines.push(line)),
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  cleanups.push(async () => await app.close());
  const logged = () => lines.map((line) => JSON.parse(line) as Json);
  const health = async () => {
    const response = await fetch(`${app.url}/healthz`);
    return { status: response.status, body: (await response.json()) as Json };
  };
  return { app, logged, health };
}

/** Polls until `check` holds; the loop ends with the test's own timeout, nothing here is timed. */
async function eventually<T>(read: () => Promise<T> | T, check: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Slack in Socket Mode, offline against a fake Slack', () => {
  it('connects, says so, reports slack "connected", and acknowledges a slash command envelope with its answer', async () => {
    const api = await startFakeSlackApi();
    cleanups.push(api.close);
    const socket = await startFakeSlackSocket();
    cleanups.push(socket.close);
    api.socketModeUrl(socket.url);

    const bot = await startSocketModeBot(api.apiUrl);
    await socket.connected();
    const healthy = await eventually(bot.health, (health) => health.body.slack === 'connected');
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ status: 'ok', slack: 'connected', platforms: { slack: 'socket' } });
    expect(bot.logged().map((line) => line.msg)).toContain('slack socket mode connected; listening for events');

    const command = {
      command: '/aims',
      text: 'help',
      team_id: 'T0TEST',
      team_domain: 'acme',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: 'U0ADA',
      user_name: 'ada',
      trigger_id: '1700000001.1.socket',
      response_url: api.responseUrl('socket'),
      api_app_id: 'A0AIMS',
    };
    const ack = await socket.send({ envelope_id: 'env-1', type: 'slash_commands', payload: command, accepts_response_payload: true });
    expect(ack.envelope_id).toBe('env-1');
    const answer = ack.payload as Json;
    expect(answer.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.blocks)).toContain('`/aims status`');
    // Slack redelivers an envelope it saw no ack for: the same command is answered the same, once.
    const again = await socket.send({ envelope_id: 'env-2', type: 'slash_commands', payload: command, accepts_response_payload: true });
    expect(again.payload).toEqual(answer);
  });

  it('with Slack unreachable: logs each failure as JSON, /healthz says slack "down" (503), retries, and the rest runs; connects once Slack is back', async () => {
    const api = await startFakeSlackApi();
    cleanups.push(api.close);
    // No Socket Mode URL: apps.connections.open drops every connection, as an unreachable Slack.
    const bot = await startSocketModeBot(
      api.apiUrl,
      { MicrosoftAppId: '11111111-2222-4333-8444-555555555555', MicrosoftAppPassword: 'not-a-real-password' },
      true,
    );
    const failures = () => bot.logged().filter((line) => line.msg === 'slack socket mode connection failed; retrying');
    await eventually(
      () => api.callsTo('apps.connections.open').length,
      (attempts) => attempts >= 3,
    );
    await eventually(failures, (lines) => lines.length >= 2);
    expect(failures()[0]).toMatchObject({ level: 'error', service: 'aims-bot', platform: 'slack', failures: 1 });

    const down = await bot.health();
    expect(down).toEqual({
      status: 503,
      body: {
        status: 'degraded',
        database: { store: TEST_STORE_KIND, reachable: true },
        platforms: { slack: 'socket', teams: 'authenticated' },
        slack: 'down',
      },
    });
    // Listening, jobs scheduled, Teams answering (401 to an activity without a token), jobs running on demand.
    const messages = bot.logged().map((line) => line.msg);
    expect(messages).toContain('aims-bot listening');
    expect(messages).toContain('jobs scheduled');
    const activity = JSON.stringify(teamsMessage('http://127.0.0.1:9', 'aims status'));
    expect(
      (await fetch(`${bot.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity }))
        .status,
    ).toBe(401);
    await bot.app.runJob('digest', new Date(TEST_START));

    // Slack comes back: the next attempt connects.
    const socket = await startFakeSlackSocket();
    cleanups.push(socket.close);
    api.socketModeUrl(socket.url);
    await socket.connected();
    const healthy = await eventually(bot.health, (health) => health.body.slack === 'connected');
    expect(healthy.status).toBe(200);
    expect(bot.logged().map((line) => line.msg)).toContain('slack socket mode connected; listening for events');
  });
});

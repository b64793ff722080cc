import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../helpers/slack-signing.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;

beforeAll(async () => {
  slack = await startSlackHarness();
});
afterAll(async () => {
  await slack.close();
});

let triggers = 0;
/** A signed /aims command, the raw HTTP response kept (headers and text). */
async function command(text: string, fields: Record<string, string> = {}) {
  triggers += 1;
  const body = new URLSearchParams({
    command: '/aims',
    team_id: 'T0TEST',
    channel_id: 'C0GENERAL',
    user_id: 'U0ACK',
    response_url: 'http://127.0.0.1:9/unused',
    trigger_id: `${1_800_000_000 + triggers}.456.ack${triggers}`,
    api_app_id: 'A0AIMS',
    text,
    ...fields,
  }).toString();
  const response = await fetch(slack.eventsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(body) },
    body,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('the ack of a slash command answered from a kept view (serialised once)', () => {
  it('is JSON with its content type, for help and status, the same text each time the view is kept', async () => {
    for (const text of ['help', 'status']) {
      const first = await command(text);
      const second = await command(text);
      for (const response of [first, second]) {
        expect(response.status).toBe(200);
        expect(response.type).toMatch(/^application\/json/);
        const json = JSON.parse(response.text) as { response_type?: string; blocks?: unknown[] };
        expect(json.response_type).toBe('ephemeral');
        expect(json.blocks?.length).toBeGreaterThan(0);
      }
      expect(second.text).toBe(first.text);
    }
  });

  it('a replay of the same trigger_id gets the same JSON answer, typed as JSON', async () => {
    const first = await command('help', { trigger_id: '1899999999.456.replay' });
    const replay = await command('help', { trigger_id: '1899999999.456.replay' });
    expect(replay.status).toBe(200);
    expect(replay.type).toMatch(/^application\/json/);
    expect(replay.text).toBe(first.text);
  });

  it('a signature that does not match is still refused before any answer', async () => {
    const body = new URLSearchParams({
      command: '/aims',
      team_id: 'T0TEST',
      user_id: 'U0ACK',
      text: 'help',
      trigger_id: '1.2.x',
    }).toString();
    const response = await fetch(slack.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(body, 'wrong-secret') },
      body,
    });
    expect(response.status).toBe(401);
  });
});

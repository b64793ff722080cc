import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../src/store/open-store.ts';
import { buttonsOf, clickButton, submitModal } from '../helpers/slack-interactions.ts';
import { seedOtherWorkspace, seedReleaseWorkspace } from '../helpers/release-workspace.ts';
import { runAims } from '../helpers/run-aims.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';
import { TEST_STORE_KIND, testStoreUrl } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;

const ROOT = join(import.meta.dirname, '../..');
let dir: string;
let dbPath: string;
const TOKEN_A = 'token-for-acme-0123456789abcdef';
const TOKEN_B = 'token-for-globex-0123456789abcdef';
const TOKEN_TEAMS = 'token-for-contoso-0123456789abcdef';

const api = (path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${slack.app.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

// The CLI in this process, on the store the bot writes (a second connection, as a pipeline's would be).
const cli = async (args: string[]) => {
  const { code, out } = await runAims(args, isPostgresUrl(dbPath) ? { AIMS_DATABASE_URL: dbPath } : { AIMS_DB: dbPath });
  return { status: code, stdout: out };
};

const body = {
  aiSystem: 'Fraud Scorer',
  version: '3.0.0',
  changeType: 'retrain',
  whatChanged: 'Nightly retrain.',
  measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.95 }],
  evaluationLink: 'https://mlflow.example.com/runs/7',
  risks: 'None known.',
  requester: 'U0PIPE',
};

// A fresh bot and store per test (on SQLite a file of its own, on PostgreSQL a database of its own): no
// test sees the releases, people or keys of another.
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aims-api-'));
  const file = join(dir, 'aims.db');
  slack = await startSlackHarness(
    {
      AIMS_ADMINS: 'slack:U0ADMIN',
      ...(TEST_STORE_KIND === 'sqlite' ? { AIMS_DB: file } : {}),
      AIMS_API_TOKENS: `slack:T0TEST=${TOKEN_A},slack:T0OTHER=${TOKEN_B},teams:tenant-contoso=${TOKEN_TEAMS}`,
    },
    { channels: { C0APP: 'ai-approvals', C0INC: 'ai-incidents', C0LEAD: 'ai-leadership' } },
  );
  dbPath = testStoreUrl(slack.app.store) ?? file;
  // Set up as an admin would in chat: channels, two approvals needed, a system with a criterion, two approvers.
  await seedReleaseWorkspace(slack.app.store, { approvers: ['U0APP1', 'U0APP2'], criteria: ['recall >= 0.9 holdout'] });
  await seedOtherWorkspace(slack.app.store, 'T0OTHER', 'U0OUT');
});
// After each test the audit chain verifies, in the store and by `aims audit verify` on the store.
afterEach(async () => {
  try {
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    const verify = await cli(['audit', 'verify']);
    expect(verify.stdout).toMatch(/^OK: audit chain of workspace \S+ intact, \d+ events/m);
    expect(verify.status).toBe(0);
  } finally {
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const counts = async () =>
  await sqlOf(slack.app.store).get(
    'SELECT (SELECT count(*) FROM releases) AS releases, (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM audit_events) AS audit, (SELECT count(*) FROM inbound_dedupe_keys) AS keys',
  );

async function approveInChat(id: number, user: string) {
  const card = slack.slackApi
    .callsTo('*')
    .filter((call) => call.args.channel === 'C0APP' && String(JSON.stringify(call.args.blocks)).includes(`REL-${id} ·`))
    .at(-1)?.args;
  await clickButton(slack.eventsUrl, buttonsOf(card).Approve as Json, { user }, slack.slackApi.responseUrl(`${user}-${id}`));
}

describe('pipeline API', () => {
  it('answers 401 without a valid bearer token, and never echoes one', async () => {
    expect((await api('/releases/1')).status).toBe(401);
    const wrong = await api('/releases/1', { token: 'not-a-token-at-all-0123456789' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('not-a-token');
    expect((await api('/releases', { method: 'POST', body })).status).toBe(401);
  });

  it('answers 400 with the zod issues for a bad body, and for an unknown system or a failed criterion without justification', async () => {
    const bad = await api('/releases', {
      method: 'POST',
      token: TOKEN_A,
      body: { ...body, version: undefined, changeType: 'yolo', measurements: [{ metric: 'recall', value: 'high' }] },
    });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { issues: Array<{ path: unknown[] }> }).issues.map((issue) => issue.path.join('.'));
    expect(issues).toEqual(expect.arrayContaining(['version', 'changeType', 'measurements.0.value']));
    const unknown = await api('/releases', { method: 'POST', token: TOKEN_A, body: { ...body, aiSystem: 'Nope' } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ issues: [{ path: ['aiSystem'] }] });
    const failing = await api('/releases', {
      method: 'POST',
      token: TOKEN_A,
      body: { ...body, measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.5 }] },
    });
    expect(failing.status).toBe(400);
    expect(await failing.json()).toMatchObject({
      error: 'invalid_input',
      issues: [
        { path: ['measurements.0'], message: 'FAIL: recall on holdout needs ≥ 0.9. Correct the value, or justify shipping anyway.' },
        { path: ['justification'], message: 'A criterion failed: explain why it should ship anyway.' },
      ],
    });
  });

  it('creates a request (posted to the approvals channel), polls it until two approvals in chat approve it; the CLI gates on it', async () => {
    const created = await api('/releases', { method: 'POST', token: TOKEN_A, body, headers: { 'idempotency-key': 'build-981' } });
    expect(created.status).toBe(201);
    const release = (await created.json()) as {
      id: number;
      status: string;
      approvals: { given: number; needed: number };
      criteria: unknown[];
    };
    expect(release).toMatchObject({
      status: 'pending',
      approvals: { given: 0, needed: 2 },
      criteria: [{ metric: 'recall', measured: 0.95, threshold: 0.9, passed: true }],
    });
    expect(created.headers.get('location')).toBe(`/api/v1/releases/${release.id}`);
    // A retried POST with the same idempotency key files nothing new.
    const retried = await api('/releases', { method: 'POST', token: TOKEN_A, body, headers: { 'idempotency-key': 'build-981' } });
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { id: number }).id).toBe(release.id);
    expect(
      slack.slackApi
        .callsTo('chat.postMessage')
        .filter((call) => call.args.channel === 'C0APP' && JSON.stringify(call.args.blocks).includes(`REL-${release.id} ·`)),
    ).toHaveLength(1);

    expect((await cli(['release', 'status', String(release.id)])).status).toBe(2);
    await approveInChat(release.id, 'U0APP1');
    expect(
      (await (await api(`/releases/${release.id}`, { token: TOKEN_A })).json()) as { status: string; approvals: { given: number } },
    ).toMatchObject({ status: 'pending', approvals: { given: 1 } });
    await approveInChat(release.id, 'U0APP2');
    const polled = (await (await api(`/releases/${release.id}`, { token: TOKEN_A })).json()) as {
      status: string;
      approvals: { by: Array<{ id: string; contentHash: string }> };
    };
    expect(polled.status).toBe('approved');
    expect(polled.approvals.by.map((a) => a.id)).toEqual(['U0APP1', 'U0APP2']);
    const gate = await cli(['release', 'status', String(release.id)]);
    expect(gate.stdout).toContain(`REL-${release.id} Fraud Scorer 3.0.0: approved (2 of 2 approvals)`);
    expect(gate.status).toBe(0);
  });

  it('answers 409 for an Idempotency-Key reused with another body, naming the key and its release; nothing is created or changed', async () => {
    const first = await api('/releases', {
      method: 'POST',
      token: TOKEN_A,
      body: { ...body, version: '4.0.0' },
      headers: { 'idempotency-key': 'ci-run-77' },
    });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: number };
    const posts = slack.slackApi.callsTo('chat.postMessage').length;
    const before = await counts();
    // The CI re-run of issue 11: same key, another version with a failing metric.
    const reused = await api('/releases', {
      method: 'POST',
      token: TOKEN_A,
      body: { ...body, version: '5.0.0', measurements: [{ metric: 'recall', dataset: 'holdout', value: 0.5 }] },
      headers: { 'idempotency-key': 'ci-run-77' },
    });
    expect(reused.status).toBe(409);
    const conflict = (await reused.json()) as { error: string; message: string; idempotencyKey: string; boundTo: string };
    expect(conflict).toMatchObject({ error: 'idempotency_conflict', idempotencyKey: 'ci-run-77', boundTo: `REL-${id}` });
    expect(conflict.message).toContain('Idempotency-Key "ci-run-77" is already bound to REL-' + id);
    expect(await counts()).toEqual(before);
    expect(slack.slackApi.callsTo('chat.postMessage').length).toBe(posts);
    expect(await sqlOf(slack.app.store).count('releases', "version = '5.0.0'")).toBe(0);
    // Another requester is another body too.
    expect(
      (
        await api('/releases', {
          method: 'POST',
          token: TOKEN_A,
          body: { ...body, version: '4.0.0', requester: 'U0OTHER' },
          headers: { 'idempotency-key': 'ci-run-77' },
        })
      ).status,
    ).toBe(409);
    // The same key with the same body (keys in another order) is answered as the first time.
    const { requester, ...rest } = body;
    const replay = await api('/releases', {
      method: 'POST',
      token: TOKEN_A,
      body: { requester, ...rest, version: '4.0.0' },
      headers: { 'idempotency-key': 'ci-run-77' },
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: number }).id).toBe(id);
    expect(await counts()).toEqual(before);
  });

  it('refuses a requester that is not a user id of the token’s platform, or longer than 64 characters (400 naming requester); no person is created', async () => {
    const before = await counts();
    for (const requester of [`U${'A'.repeat(4999)}`, 'alice@example.com', '<!channel>', 'u0lower', `U${'A'.repeat(64)}`]) {
      const response = await api('/releases', { method: 'POST', token: TOKEN_A, body: { ...body, version: '6.0.0', requester } });
      expect(response.status, requester.slice(0, 20)).toBe(400);
      expect(((await response.json()) as { issues: Array<{ path: string[] }> }).issues.map((issue) => issue.path.join('.'))).toEqual([
        'requester',
      ]);
    }
    // A Teams token wants an AAD object id (or a 29: id), not a Slack id.
    const slackIdOnTeams = await api('/releases', { method: 'POST', token: TOKEN_TEAMS, body: { ...body, requester: 'U0PIPE' } });
    expect(slackIdOnTeams.status).toBe(400);
    expect(await slackIdOnTeams.json()).toMatchObject({
      issues: [{ path: ['requester'], message: expect.stringContaining('AAD object id') }],
    });
    const aad = await api('/releases', {
      method: 'POST',
      token: TOKEN_TEAMS,
      body: { ...body, requester: '6f1c2a9e-3b7d-4e21-9a0c-5d8e7f6a1b2c' },
    });
    expect(await aad.json()).toMatchObject({ issues: [{ path: ['aiSystem'] }] });
    expect(await counts()).toEqual(before);
  });

  it('checks the token before reading the body; malformed JSON answers 400 JSON, never a stack or a path', async () => {
    const raw = (headers: Record<string, string>) =>
      fetch(`${slack.app.url}/api/v1/releases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"aiSystem": "Fraud Scorer", "version": ',
      });
    const anonymous = await raw({});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'unauthorized' });
    const malformed = await raw({ authorization: `Bearer ${TOKEN_A}` });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/json');
    const answer = await malformed.text();
    expect(JSON.parse(answer)).toEqual({ error: 'invalid_json', message: 'The request body is not valid JSON.' });
    expect(answer).not.toContain(ROOT);
    const missing = await fetch(`${slack.app.url}/api/v1/nothing-here`, { headers: { authorization: `Bearer ${TOKEN_A}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
  });

  it('the CLI exits 1 for a rejected release', async () => {
    const created = (await (await api('/releases', { method: 'POST', token: TOKEN_A, body: { ...body, version: '3.1.0' } })).json()) as {
      id: number;
    };
    const card = slack.slackApi
      .callsTo('*')
      .filter((call) => call.args.channel === 'C0APP' && String(JSON.stringify(call.args.blocks)).includes(`REL-${created.id} ·`))
      .at(-1)?.args;
    await clickButton(slack.eventsUrl, buttonsOf(card)['Reject…'] as Json, { user: 'U0APP1' }, slack.slackApi.responseUrl('reject'));
    const form = slack.slackApi.callsTo('views.open').at(-1)?.args.view as Json;
    await submitModal(slack.eventsUrl, form, { reason: 'Not this week.' }, { user: 'U0APP1' }, 'V0REJECT');
    expect((await cli(['release', 'status', String(created.id)])).status).toBe(1);
    expect((await cli(['release', 'status', '999'])).status).toBe(3);
  });

  it('a token of another workspace can neither read nor create anything here (404 / unknown system)', async () => {
    const ours = await api('/releases', { method: 'POST', token: TOKEN_A, body: { ...body, version: '8.0.0' } });
    expect(ours.status).toBe(201);
    const { id } = (await ours.json()) as { id: number };
    expect((await api(`/releases/${id}`, { token: TOKEN_A })).status).toBe(200);
    expect((await api(`/releases/${id}`, { token: TOKEN_B })).status).toBe(404);
    const create = await api('/releases', { method: 'POST', token: TOKEN_B, body: { ...body, version: '9.9.9' } });
    expect(create.status).toBe(400);
    expect(await create.json()).toMatchObject({ issues: [{ path: ['aiSystem'] }] });
    expect(await sqlOf(slack.app.store).count('releases', "version = '9.9.9'")).toBe(0);
  });
});

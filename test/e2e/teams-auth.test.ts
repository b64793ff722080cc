import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { startFakeTeamsConnector, teamsMessage } from '../helpers/fake-teams-connector.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/loopback-server.ts';
import { TEST_START } from '../helpers/start-test-app.ts';
import { storeCounts } from '../helpers/store-counts.ts';
import { openTestStore, TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const APP_PASSWORD = 'not-a-real-password';
const CHANNEL_ISSUER = 'https://api.botframework.com';
const KID = 'channel-key-1';

// The channel's signing key, published by a fake of Microsoft's OpenID metadata on loopback.
const channelKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

let connector: Awaited<ReturnType<typeof startFakeTeamsConnector>>;
let openId: LoopbackServer;
let app: RunningAims;
let store: GovernanceStore;
const lines: string[] = [];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (serviceUrl: string, extra: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.parse(TEST_START) / 1000);
  // The adapter checks expiry against the real clock: a day either side covers both.
  const real = Math.floor(Date.now() / 1000);
  return {
    iss: CHANNEL_ISSUER,
    aud: APP_ID,
    serviceurl: serviceUrl,
    nbf: Math.min(now, real) - 86_400,
    exp: Math.max(now, real) + 86_400,
    ...extra,
  };
};
function rs256(key: KeyObject, payload: unknown, kid = KID): string {
  const head = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(payload)}`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(key).toString('base64url')}`;
}
function hs256(secret: string, payload: unknown): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: KID })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const post = (activity: unknown, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  const jwk = channelKey.publicKey.export({ format: 'jwk' });
  openId = await startLoopbackServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/keys')
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    else
      res.end(JSON.stringify({ issuer: CHANNEL_ISSUER, jwks_uri: `${openId.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
  });
});
// A fresh bot and store per test (the fakes stay): a test that lets a token through stores what others must not see.
beforeEach(async () => {
  const config = loadConfig({
    AIMS_DB: ':memory:',
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: APP_PASSWORD,
    MicrosoftAppType: 'MultiTenant',
  });
  // This project's store; the bot closes it with itself.
  store = await openTestStore();
  app = await startAims(config, {
    store,
    clock: fixedClock(TEST_START),
    jobs: false,
    logger: createLogger('debug', {}, (line) => lines.push(line)),
    teamsOpenIdMetadataUrl: `${openId.url}/openid`,
  });
});
afterEach(async () => {
  await app.close();
});
afterAll(async () => {
  await connector.close();
  await openId.close();
});

describe('Teams with MicrosoftAppId set', () => {
  it('rejects an activity without a token with 401, answers nothing and stores nothing', async () => {
    const before = await storeCounts(store);
    const response = await post(teamsMessage(connector.serviceUrl, 'aims status'));
    expect(response.status).toBe(401);
    expect(connector.activities).toHaveLength(0);
    expect(await storeCounts(store)).toEqual(before);
  });

  it('answers 401 (never 500) to every forged or malformed token, each logged as one JSON line; nothing is stored', async () => {
    const serviceUrl = connector.serviceUrl;
    const forged: Record<string, string> = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(serviceUrl))}.`,
      'alg none with the channel key id': `${b64({ alg: 'none', typ: 'JWT', kid: KID })}.${b64(claims(serviceUrl))}.`,
      'HS256 signed with the app password': hs256(APP_PASSWORD, claims(serviceUrl)),
      'RS256 signed with a self-made key': rs256(attackerKey.privateKey, claims(serviceUrl)),
      'RS256 with an unknown key id': rs256(attackerKey.privateKey, claims(serviceUrl), 'attacker-key'),
      'expired, signed with the channel key': rs256(channelKey.privateKey, claims(serviceUrl, { exp: 1_000_000_000, nbf: 999_000_000 })),
      'for another bot, signed with the channel key': rs256(
        channelKey.privateKey,
        claims(serviceUrl, { aud: '99999999-2222-4333-8444-555555555555' }),
      ),
      garbage: 'not-a-jwt',
      'three dots of garbage': 'a.b.c',
    };
    for (const [attack, token] of Object.entries(forged)) {
      const logged = lines.length;
      const response = await post(teamsMessage(serviceUrl, 'aims status'), { authorization: `Bearer ${token}` });
      expect(response.status, attack).toBe(401);
      expect(await response.json(), attack).toEqual({
        error: 'unauthorized',
        message: 'The request is not authenticated by the Bot Framework.',
      });
      const written = lines.slice(logged).map((line) => JSON.parse(line) as { msg: string; level: string });
      // One line at warn (botbuilder's own console output is routed at debug, as JSON too).
      expect(
        written.filter((line) => line.level !== 'debug' && line.level !== 'info'),
        attack,
      ).toEqual([expect.objectContaining({ level: 'warn', msg: 'teams request refused: authentication failed' })]);
      // The token itself never reaches the log.
      const signature = token.split('.')[2] ?? '';
      if (signature.length > 16) expect(lines.slice(logged).join('\n'), attack).not.toContain(signature);
    }
    expect(connector.activities).toHaveLength(0);
    expect((await storeCounts(store)).workspaces).toBe(0);
  });

  it('lets a token signed with the channel key through authentication (so the refusals above are about the forgery)', async () => {
    const response = await post(teamsMessage(connector.serviceUrl, 'aims status'), {
      authorization: `Bearer ${rs256(channelKey.privateKey, claims(connector.serviceUrl))}`,
    });
    expect(response.status, lines.slice(-3).join('\n')).not.toBe(401);
    expect((await storeCounts(store)).workspaces).toBe(1);
  });

  it('answers malformed JSON and a body that is not an activity with 400 JSON, never a stack or a path', async () => {
    const malformed = await post('{"type": "message", "text": "secret-body-text', { authorization: 'Bearer x' });
    expect(malformed.status).toBe(400);
    const answer = await malformed.text();
    expect(JSON.parse(answer)).toEqual({ error: 'invalid_json', message: 'The request body is not valid JSON.' });
    expect(answer).not.toMatch(/\/work|node_modules|at /);
    const notActivity = await post({ text: 'no type' });
    expect(notActivity.status).toBe(400);
    expect(await notActivity.json()).toMatchObject({ error: 'invalid_activity' });
    // Every line written is JSON, and no request body reached the log.
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.join('\n')).not.toContain('secret-body-text');
  });

  it('reports Teams as authenticated (and Slack off) on /healthz', async () => {
    const health = await (await fetch(`${app.url}/healthz`)).json();
    expect(health).toEqual({
      status: 'ok',
      database: { store: TEST_STORE_KIND, reachable: true },
      platforms: { slack: 'off', teams: 'authenticated' },
    });
  });
});

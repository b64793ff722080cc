import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateSigningKeys } from '../../../src/evidence-pack/pack-signature.ts';
import type { PackManifest } from '../../../src/evidence-pack/pack-manifest.ts';
import { verifyEvidencePack } from '../../../src/evidence-pack/verify-pack.ts';
import { PACK_LINK_MS } from '../../../src/features/evidence-pack/service.ts';
import { cardOf, teamsMessage } from '../../helpers/fake-teams-connector.ts';
import { movableClock, TEST_START, type TestApp } from '../../helpers/start-test-app.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { TEAMS_ADMIN, TEAMS_MEMBER } from '../../helpers/workspace-builders.ts';
import { deadClaim, sharedDatabase, startFakeTeamsConnector } from './shared-database.ts';

const keys = generateSigningKeys();
const text = (value: unknown) => JSON.stringify(value ?? null);

let db: Awaited<ReturnType<typeof sharedDatabase>>;
let connector: Awaited<ReturnType<typeof startFakeTeamsConnector>>;
const apps: TestApp[] = [];
const env = { AIMS_ADMINS: `teams:${TEAMS_ADMIN.user}` };

const start = async (options: Parameters<typeof db.start>[1] = {}) => {
  const app = await db.start(env, options);
  apps.push(app);
  return app;
};
const stop = async (app: TestApp) => {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
};

/** A message in the person's personal chat; the card the bot answered with. */
async function say(app: TestApp, who: { user: string; name: string }, words: string, id?: string) {
  const activity = teamsMessage(connector.serviceUrl, words, { ...who, ...(id ? { id } : {}) });
  const before = connector.activities.length;
  const response = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  expect(response.status).toBe(200);
  const reply = connector.activities
    .slice(before)
    .filter((entry) => entry.path.endsWith(`/activities/${encodeURIComponent(activity.id)}`))
    .at(-1);
  return cardOf(reply?.activity);
}

/** The links the bot sent to a person's personal chat (messages of its own, not replies). */
const links = (who: { user: string }) =>
  connector.activities
    .filter(
      (entry) =>
        entry.method === 'POST' && entry.path === `/v3/conversations/${encodeURIComponent(`conv-personal-${who.user}`)}/activities`,
    )
    .map((entry) => /(http:\/\/[^"\\)\]]+\/packs\/[A-Za-z0-9._-]+)/.exec(text(entry.activity))?.[1])
    .filter((url): url is string => url !== undefined);

const onApp = (url: string, app: TestApp) => `${app.url}${url.slice(url.indexOf('/packs/'))}`;
const requests = async (app: TestApp) =>
  await sqlOf(app.store).all<{ state: string; zip: string | null; sends: number }>(
    'SELECT state, zip, sends FROM evidence_pack_requests ORDER BY id',
  );
const exported = async (app: TestApp) =>
  await sqlOf(app.store).all<{ actor: string }>("SELECT actor FROM audit_events WHERE action = 'evidence_pack.exported'");

beforeEach(async () => {
  vi.stubEnv('AIMS_SIGNING_KEY', keys.privateKey);
  db = await sharedDatabase();
  connector = await startFakeTeamsConnector();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await connector.close();
  db.close();
  vi.unstubAllEnvs();
});

describe('/aims export on Teams: a one-time download link, served from the database', () => {
  it('help says what export does on Teams: a one-time link in our personal chat, valid 15 minutes (not an upload)', async () => {
    const app = await start();
    for (const words of ['aims help', 'aims help more']) {
      const help = text(await say(app, TEAMS_ADMIN, words));
      expect(help).toContain('the last 90 days by default): a one-time download link in our personal chat, valid 15 minutes.');
      expect(help).not.toContain('sent to your direct messages');
    }
  });

  it('the link comes to the personal chat and downloads the verifying pack once, then 404; forged and other-workspace tokens 404', async () => {
    const app = await start();
    const answer = text(await say(app, TEAMS_ADMIN, 'aims export 2020-01-01 2099-12-31'));
    expect(answer).toContain('Your evidence pack (2020-01-01 to 2099-12-31) is being built');
    expect(answer).toContain('a one-time download link will come in our personal chat');
    await vi.waitFor(() => expect(links(TEAMS_ADMIN)).toHaveLength(1), { timeout: 60_000, interval: 100 });
    const url = links(TEAMS_ADMIN)[0]!;
    expect(url.startsWith(app.url)).toBe(true);
    expect(text(connector.activities.at(-1)?.activity)).toContain('The link works once');

    const [workspace, id, expiry, mac] = url.slice(url.lastIndexOf('/') + 1).split('.');
    const packs = `${app.url}/packs`;
    expect((await fetch(`${packs}/${workspace}.${id}.${Number(expiry) + 3_600_000}.${mac}`)).status).toBe(404);
    expect((await fetch(`${packs}/${workspace}.${id}.${expiry}.${mac!.slice(0, -2)}xx`)).status).toBe(404);
    expect((await fetch(`${packs}/${Number(workspace) + 1}.${id}.${expiry}.${mac}`)).status).toBe(404);
    expect((await fetch(`${packs}/nonsense`)).status).toBe(404);

    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/zip');
    expect(first.headers.get('content-disposition')).toContain('aims-evidence-pack-2020-01-01-2099-12-31.zip');
    const zip = Buffer.from(await first.arrayBuffer());
    const verdict = verifyEvidencePack(zip, keys.publicKey);
    expect(verdict.checks.filter((check) => !check.ok)).toEqual([]);
    expect(verdict.signed).toBe(true);
    expect((JSON.parse(strFromU8(unzipSync(zip)['manifest.json']!)) as PackManifest).workspace.platform).toBe('teams');

    expect((await fetch(url)).status).toBe(404);
    // The bytes left the database with the download.
    expect(await requests(app)).toMatchObject([{ state: 'downloaded', zip: null, sends: 1 }]);
    expect(await exported(app)).toHaveLength(1);
    expect((await exported(app))[0]?.actor).toContain(`teams:${TEAMS_ADMIN.user}`);
  });

  it('the process stops after the answer, before the build: the next one sends the link once, and another replica serves it once', async () => {
    const a = await start({ packWorker: false });
    expect(text(await say(a, TEAMS_ADMIN, 'aims export 2026-01-01 2026-12-31'))).toContain('is being built');
    expect(await requests(a)).toMatchObject([{ state: 'pending', zip: null }]);
    await stop(a);

    const b = await start();
    await vi.waitFor(() => expect(links(TEAMS_ADMIN)).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await requests(b))[0]?.state).toBe('delivered'));
    const c = await start();
    const url = links(TEAMS_ADMIN)[0]!;
    // Made by b, downloaded from c (same database), once.
    const download = await fetch(onApp(url, c));
    expect(download.status).toBe(200);
    const verdict = verifyEvidencePack(Buffer.from(await download.arrayBuffer()), keys.publicKey);
    expect(verdict.checks.filter((check) => !check.ok)).toEqual([]);
    expect((await fetch(onApp(url, b))).status).toBe(404);
    expect((await fetch(onApp(url, c))).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(links(TEAMS_ADMIN)).toHaveLength(1);
    expect(await exported(c)).toHaveLength(1);
  });

  it('a crash between sending the link and marking it delivered: the same link sent again at restart, still one download, audited once', async () => {
    const a = await start();
    await say(a, TEAMS_ADMIN, 'aims export 2026-01-01 2026-12-31');
    await vi.waitFor(() => expect(links(TEAMS_ADMIN)).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await requests(a))[0]?.state).toBe('delivered'));
    await sqlOf(a.store).run(
      "UPDATE evidence_pack_requests SET state = 'built', claimed_by = ?, lease_until = '2999-01-01T00:00:00.000Z'",
      deadClaim(),
    );
    await stop(a);
    const b = await start();
    await vi.waitFor(() => expect(links(TEAMS_ADMIN)).toHaveLength(2), { timeout: 60_000, interval: 100 });
    const [once, again] = links(TEAMS_ADMIN);
    const token = (url: string | undefined) => url?.slice(url.indexOf('/packs/'));
    expect(token(again)).toBe(token(once));
    expect(text(connector.activities.at(-1)?.activity)).toContain('A second sending');
    await vi.waitFor(async () => expect((await requests(b))[0]).toMatchObject({ state: 'delivered', sends: 2 }));
    expect((await fetch(onApp(once!, b))).status).toBe(200);
    expect((await fetch(onApp(once!, b))).status).toBe(404);
    expect(await exported(b)).toHaveLength(1);
  });

  it('a link not used in 15 minutes is 404 and its bytes are removed by the worker', async () => {
    const clock = movableClock(TEST_START);
    const app = await start({ clock });
    await say(app, TEAMS_ADMIN, 'aims export 2026-01-01 2026-12-31');
    await vi.waitFor(() => expect(links(TEAMS_ADMIN)).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await requests(app))[0]?.state).toBe('delivered'));
    clock.set(new Date(Date.parse(TEST_START) + PACK_LINK_MS + 1000).toISOString());
    expect((await fetch(links(TEAMS_ADMIN)[0]!)).status).toBe(404);
    // The worker's next round (every 5 s) drops the zip; another request kicks it at once.
    await say(app, TEAMS_ADMIN, 'aims export 2025-01-01 2025-12-31');
    await vi.waitFor(async () => expect((await requests(app))[0]).toMatchObject({ state: 'expired', zip: null }), { timeout: 15_000 });
  });

  it('a double click makes one request; a retried delivery of the message is answered once; a member is refused', async () => {
    const app = await start({ packWorker: false });
    expect(text(await say(app, TEAMS_ADMIN, 'aims export 2026-01-01 2026-03-31', 'activity-export-1'))).toContain('is being built');
    expect(text(await say(app, TEAMS_ADMIN, 'aims export 2026-01-01 2026-03-31'))).toContain('is already being built');
    await say(app, TEAMS_ADMIN, 'aims export 2026-01-01 2026-03-31', 'activity-export-1');
    expect(await requests(app)).toHaveLength(1);
    expect(await sqlOf(app.store).count('audit_events', "action = 'evidence_pack.requested'")).toBe(1);

    expect(text(await say(app, TEAMS_MEMBER, 'aims export'))).toContain('Only admins and leadership can export the evidence pack.');
    expect(text(await say(app, TEAMS_ADMIN, 'aims export 2026-03-01 2026-01-01'))).toContain(
      'The first day 2026-03-01 is after the last day 2026-01-01.',
    );
    expect(text(await say(app, TEAMS_ADMIN, 'aims export 01/02/2026'))).toContain('is not a day');
    expect(await requests(app)).toHaveLength(1);
    await stop(app);

    const next = await start();
    await vi.waitFor(() => expect(links(TEAMS_ADMIN)).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(links(TEAMS_ADMIN)).toHaveLength(1);
    expect(await exported(next)).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateSigningKeys } from '../../../src/evidence-pack/pack-signature.ts';
import { verifyEvidencePack } from '../../../src/evidence-pack/verify-pack.ts';
import { postSlashCommand } from '../../helpers/slack-signing.ts';
import type { TestApp } from '../../helpers/start-test-app.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { SLACK_ADMIN, SLACK_MEMBER } from '../../helpers/workspace-builders.ts';
import { deadClaim, sharedDatabase, slackEnv, startFakeSlackApi } from './shared-database.ts';

const keys = generateSigningKeys();
const text = (value: unknown) => JSON.stringify(value ?? null);

let db: Awaited<ReturnType<typeof sharedDatabase>>;
let slackApi: Awaited<ReturnType<typeof startFakeSlackApi>>;
const apps: TestApp[] = [];

const start = async (packWorker = true) => {
  const app = await db.start(slackEnv(slackApi.apiUrl, `slack:${SLACK_ADMIN.user}`), { packWorker });
  apps.push(app);
  return app;
};
const stop = async (app: TestApp) => {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
};
const command = async (app: TestApp, who: { user: string; name: string }, words: string, extra: Record<string, string> = {}) =>
  await postSlashCommand(`${app.url}/slack/events`, { text: words, user_id: who.user, user_name: who.name, ...extra });
const completed = () => slackApi.files.filter((file) => file.completed);
const zipOf = (file: { body?: Buffer; length: number }) => {
  const body = file.body ?? Buffer.alloc(0);
  const at = body.indexOf(Buffer.from('PK\x03\x04', 'latin1'));
  return body.subarray(at, at + file.length);
};
const requests = async (app: TestApp) =>
  await sqlOf(app.store).all<{
    id: number;
    state: string;
    sends: number;
    zip: string | null;
    claimed_by: string | null;
    open_key: string | null;
  }>('SELECT id, state, sends, zip, claimed_by, open_key FROM evidence_pack_requests ORDER BY id');
const audited = async (app: TestApp, action: string) => await sqlOf(app.store).count('audit_events', 'action = ?', action);

beforeEach(async () => {
  vi.stubEnv('AIMS_SIGNING_KEY', keys.privateKey);
  db = await sharedDatabase();
  slackApi = await startFakeSlackApi();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await slackApi.close();
  db.close();
  vi.unstubAllEnvs();
});

describe('/aims export on Slack survives a restart', () => {
  it('the process stops after the answer, before the build: the next one builds it and it arrives once, verifying', async () => {
    const first = await start(false);
    const response = await command(first, SLACK_ADMIN, 'export 2020-01-01 2099-12-31');
    expect(text(response.json)).toContain('is being built: it will be in your direct messages in a minute');
    // Recorded with its audit event in one unit; nothing built yet.
    expect(await requests(first)).toMatchObject([{ state: 'pending', sends: 0, zip: null }]);
    expect(await audited(first, 'evidence_pack.requested')).toBe(1);
    expect(await audited(first, 'evidence_pack.exported')).toBe(0);
    await stop(first);
    expect(completed()).toHaveLength(0);

    const second = await start();
    await vi.waitFor(() => expect(completed()).toHaveLength(1), { timeout: 60_000, interval: 100 });
    const file = completed()[0]!;
    expect(file).toMatchObject({ channelId: SLACK_ADMIN.user, filename: 'aims-evidence-pack-2020-01-01-2099-12-31.zip' });
    const verdict = verifyEvidencePack(zipOf(file), keys.publicKey);
    expect(verdict.checks.filter((check) => !check.ok)).toEqual([]);
    expect(verdict.signed).toBe(true);
    await vi.waitFor(async () =>
      expect(await requests(second)).toMatchObject([{ state: 'delivered', sends: 1, zip: null, claimed_by: null, open_key: null }]),
    );
    expect(await audited(second, 'evidence_pack.exported')).toBe(1);
    await stop(second);

    // A third start finds nothing left to send.
    const third = await start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(completed()).toHaveLength(1);
    expect(await audited(third, 'evidence_pack.exported')).toBe(1);
  });

  it('a build cut off by a crash (claimed by a process that is gone) is taken up at the next start, once', async () => {
    const first = await start(false);
    await command(first, SLACK_ADMIN, 'export 2026-01-01 2026-12-31');
    // As a process that died mid-build leaves it: claimed, lease far ahead.
    expect(
      await sqlOf(first.store).run(
        "UPDATE evidence_pack_requests SET claimed_by = ?, lease_until = '2999-01-01T00:00:00.000Z'",
        deadClaim(),
      ),
    ).toBe(1);
    await stop(first);
    const second = await start();
    await vi.waitFor(() => expect(completed()).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await requests(second))[0]?.state).toBe('delivered'));
    expect(await audited(second, 'evidence_pack.exported')).toBe(1);
  });

  it('a crash between Slack taking the upload and marking it delivered: uploaded a second time at restart (files.uploadV2 has no idempotency key), the same file, saying so; built and audited once', async () => {
    const first = await start();
    await command(first, SLACK_ADMIN, 'export 2026-01-01 2026-12-31');
    await vi.waitFor(() => expect(completed()).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await requests(first))[0]?.state).toBe('delivered'));
    const zip = zipOf(completed()[0]!);
    // The row as a process that died right after Slack took the upload leaves it: built, one send started, claimed.
    expect(
      await sqlOf(first.store).run(
        "UPDATE evidence_pack_requests SET state = 'built', zip = ?, delivered_at = NULL, claimed_by = ?, lease_until = '2999-01-01T00:00:00.000Z'",
        zip.toString('base64'),
        deadClaim(),
      ),
    ).toBe(1);
    await stop(first);
    const second = await start();
    await vi.waitFor(() => expect(completed()).toHaveLength(2), { timeout: 60_000, interval: 100 });
    expect(zipOf(completed()[1]!).equals(zip)).toBe(true);
    const notes = slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === SLACK_ADMIN.user);
    expect(text(notes.at(-1)?.args)).toContain('A second sending: an earlier attempt may have reached you');
    await vi.waitFor(async () => expect((await requests(second))[0]).toMatchObject({ state: 'delivered', sends: 2, zip: null }));
    // Built and audited once.
    expect(await audited(second, 'evidence_pack.exported')).toBe(1);
  });

  it('a claim held by a live process elsewhere (its lease not past) is left to it: no second build', async () => {
    const first = await start(false);
    await command(first, SLACK_ADMIN, 'export 2026-01-01 2026-12-31');
    await sqlOf(first.store).run(
      "UPDATE evidence_pack_requests SET claimed_by = 'other-host:1:abcd', lease_until = '2999-01-01T00:00:00.000Z'",
    );
    await stop(first);
    const second = await start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(completed()).toHaveLength(0);
    expect((await requests(second))[0]).toMatchObject({ state: 'pending', claimed_by: 'other-host:1:abcd' });
  });

  it('a double click and a retried command make one request and one pack', async () => {
    const app = await start(false);
    const once = await command(app, SLACK_ADMIN, 'export 2026-01-01 2026-06-30');
    const twice = await command(app, SLACK_ADMIN, 'export 2026-01-01 2026-06-30');
    expect(text(twice.json)).toContain('is already being built');
    // Slack retrying the same delivery (same trigger_id): answered once.
    const retried = await command(app, SLACK_ADMIN, 'export 2026-01-01 2026-06-30', { trigger_id: once.triggerId });
    // (Bolt answers a retry with the answer it gave the first time, and the router does nothing again.)
    expect(retried.json).toEqual(once.json);
    expect(await requests(app)).toHaveLength(1);
    expect(await audited(app, 'evidence_pack.requested')).toBe(1);
    await stop(app);

    const next = await start();
    await vi.waitFor(() => expect(completed()).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await requests(next))[0]?.state).toBe('delivered'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(completed()).toHaveLength(1);
    // Delivered, the same period may be asked for again: a new pack.
    await command(next, SLACK_ADMIN, 'export 2026-01-01 2026-06-30');
    await vi.waitFor(() => expect(completed()).toHaveLength(2), { timeout: 60_000, interval: 100 });
  });

  it('two replicas on one database: a request recorded by one is built by exactly one of them', async () => {
    const a = await start();
    const b = await start();
    await command(a, SLACK_ADMIN, 'export 2026-01-01 2026-12-31');
    await command(b, SLACK_ADMIN, 'export 2025-01-01 2025-12-31');
    await vi.waitFor(() => expect(completed()).toHaveLength(2), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await requests(a)).map((row) => row.state)).toEqual(['delivered', 'delivered']));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(completed()).toHaveLength(2);
    expect(
      completed()
        .map((file) => file.filename)
        .sort(),
    ).toEqual(['aims-evidence-pack-2025-01-01-2025-12-31.zip', 'aims-evidence-pack-2026-01-01-2026-12-31.zip']);
    expect(await audited(a, 'evidence_pack.exported')).toBe(2);
  });

  it('a member is refused privately: no request, nothing built', async () => {
    const app = await start();
    const response = await command(app, SLACK_MEMBER, 'export');
    expect(response.json?.response_type).toBe('ephemeral');
    expect(text(response.json)).toContain('Only admins and leadership can export the evidence pack.');
    expect(await requests(app)).toEqual([]);
    expect(await audited(app, 'evidence_pack.requested')).toBe(0);
    expect(completed()).toHaveLength(0);
  });
});

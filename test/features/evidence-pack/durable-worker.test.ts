import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateSigningKeys } from '../../../src/evidence-pack/pack-signature.ts';
import type { PackRequestRecord } from '../../../src/features/evidence-pack/port.ts';
import type { PackWorkerOptions } from '../../../src/features/evidence-pack/worker.ts';
import { postSlashCommand } from '../../helpers/slack-signing.ts';
import type { TestApp } from '../../helpers/start-test-app.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { SLACK_ADMIN } from '../../helpers/workspace-builders.ts';
import { deadClaim, sharedDatabase, slackEnv, startFakeSlackApi } from './shared-database.ts';

const keys = generateSigningKeys();
const text = (value: unknown) => JSON.stringify(value ?? null);

let db: Awaited<ReturnType<typeof sharedDatabase>>;
let slackApi: Awaited<ReturnType<typeof startFakeSlackApi>>;
const apps: TestApp[] = [];

const start = async (packWorker: boolean | PackWorkerOptions = true) => {
  const app = await db.start(slackEnv(slackApi.apiUrl, `slack:${SLACK_ADMIN.user}`), { packWorker });
  apps.push(app);
  return app;
};
const stop = async (app: TestApp) => {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
};
const exportCommand = async (app: TestApp) =>
  await postSlashCommand(`${app.url}/slack/events`, {
    text: 'export 2026-01-01 2026-12-31',
    user_id: SLACK_ADMIN.user,
    user_name: SLACK_ADMIN.name,
  });
const completed = () => slackApi.files.filter((file) => file.completed);
const row = async (app: TestApp) =>
  await sqlOf(app.store).get<{
    state: string;
    attempts: number;
    failure_code: string | null;
    claimed_by: string | null;
    lease_until: string | null;
    open_key: string | null;
    zip: string | null;
    last_error: string | null;
  }>(
    'SELECT state, attempts, failure_code, claimed_by, lease_until, open_key, zip, last_error FROM evidence_pack_requests ORDER BY id LIMIT 1',
  );
const audited = async (app: TestApp, action: string) => await sqlOf(app.store).count('audit_events', 'action = ?', action);
const dmsToAdmin = () => slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === SLACK_ADMIN.user);
let releaseHeld: () => void = () => undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  vi.stubEnv('AIMS_SIGNING_KEY', keys.privateKey);
  db = await sharedDatabase();
  slackApi = await startFakeSlackApi();
});
afterEach(async () => {
  releaseHeld();
  for (const app of apps.splice(0)) await app.close();
  await slackApi.close();
  db.close();
  vi.unstubAllEnvs();
});

describe('the pack worker keeps a long build and gives up a poison request', () => {
  it('a build longer than its lease keeps its claim (renewed every third of it): the other replica, looking every 50 ms, does not build it too', async () => {
    const leaseMs = 1500;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    releaseHeld = () => release();
    let builds = 0;
    // Two replicas on one database, each looking every 50 ms with a short lease; whichever claims holds its build.
    const replica = async () =>
      await start({
        leaseMs,
        pollMs: 50,
        beforeBuild: async () => {
          builds += 1;
          await held;
        },
      });
    const first = await replica();
    const second = await replica();
    await exportCommand(first);
    await vi.waitFor(() => expect(builds).toBe(1), { timeout: 30_000, interval: 20 });
    const claimant = (await row(first))?.claimed_by;
    expect(claimant).toBeTruthy();
    // Four leases long: the lease stays ahead of the clock and the claim with the builder.
    for (let i = 0; i < 8; i += 1) {
      await sleep(leaseMs / 2);
      const now = await row(second);
      expect(now?.claimed_by).toBe(claimant);
      expect(Date.parse(now?.lease_until ?? '')).toBeGreaterThan(Date.now());
    }
    expect(builds).toBe(1);
    release();
    await vi.waitFor(() => expect(completed()).toHaveLength(1), { timeout: 60_000, interval: 100 });
    await vi.waitFor(async () => expect((await row(second))?.state).toBe('delivered'));
    await sleep(300);
    expect(builds).toBe(1);
    expect(completed()).toHaveLength(1);
    expect(await audited(second, 'evidence_pack.exported')).toBe(1);
    expect(await row(second)).toMatchObject({ attempts: 1, claimed_by: null, lease_until: null });
  });

  it('a build that takes its process down every time is given up after 3 starts: failed with a typed code, audited, the person told through the outbox', async () => {
    const first = await start(false);
    await exportCommand(first);
    await stop(first);
    // Three processes each start the build and "crash" during it: their claim is left as a process that is gone leaves it.
    for (let crash = 1; crash <= 3; crash += 1) {
      let inBuild: (request: PackRequestRecord) => void = () => undefined;
      const building = new Promise<PackRequestRecord>((resolve) => (inBuild = resolve));
      const app = await start({
        beforeBuild: async (request) => {
          inBuild(request);
          // The process dies here: its claim stays, held by a pid that no longer runs.
          await sqlOf(app.store).run(
            "UPDATE evidence_pack_requests SET claimed_by = ?, lease_until = '2999-01-01T00:00:00.000Z'",
            deadClaim(),
          );
        },
      });
      expect((await building).attempts).toBe(crash);
      // This process lost the claim (it now reads as the dead one's): it keeps nothing and audits nothing.
      await vi.waitFor(async () => expect((await row(app))?.claimed_by).toBe(deadClaim()));
      expect(await row(app)).toMatchObject({ state: 'pending', attempts: crash, zip: null });
      await stop(app);
    }
    expect(completed()).toHaveLength(0);

    let builds = 0;
    const fourth = await start({ beforeBuild: async () => void (builds += 1) });
    await vi.waitFor(async () => expect((await row(fourth))?.state).toBe('failed'), { timeout: 30_000, interval: 50 });
    expect(builds).toBe(0);
    expect(await row(fourth)).toMatchObject({
      state: 'failed',
      attempts: 3,
      failure_code: 'pack_build_crashed',
      claimed_by: null,
      open_key: null,
      zip: null,
    });
    expect(await audited(fourth, 'evidence_pack.failed')).toBe(1);
    expect(await audited(fourth, 'evidence_pack.exported')).toBe(0);
    const event = await sqlOf(fourth.store).get<{ payload: string }>(
      "SELECT payload FROM audit_events WHERE action = 'evidence_pack.failed'",
    );
    expect(event?.payload).toContain('pack_build_crashed');
    // Told in their DM, through the outbox (its row sent).
    await vi.waitFor(
      () =>
        expect(text(dmsToAdmin().at(-1)?.args)).toContain(
          'Evidence pack 2026-01-01 to 2026-12-31 could not be built or sent (its build stopped the bot 3 times in a row',
        ),
      { timeout: 30_000, interval: 50 },
    );
    expect(text(dmsToAdmin().at(-1)?.args)).toContain('Asking again starts afresh.');
    await vi.waitFor(async () =>
      expect(
        await sqlOf(fourth.store).count('outbox_messages', "kind = 'direct' AND subject LIKE 'evidence-pack:%' AND status = 'sent'"),
      ).toBe(1),
    );
    await stop(fourth);

    // A fifth start neither builds nor tells again; asking again makes a new request that builds.
    const fifth = await start();
    await sleep(300);
    expect(dmsToAdmin().filter((call) => text(call.args).includes('could not be built'))).toHaveLength(1);
    await exportCommand(fifth);
    await vi.waitFor(() => expect(completed()).toHaveLength(1), { timeout: 60_000, interval: 100 });
    expect(await audited(fifth, 'evidence_pack.exported')).toBe(1);
  });

  it('a build that throws is failed at once, typed, audited and told; the person sees no internal error', async () => {
    const app = await start({
      beforeBuild: async () => {
        throw new Error('disk full at /var/secret/path');
      },
    });
    await exportCommand(app);
    await vi.waitFor(async () => expect((await row(app))?.state).toBe('failed'), { timeout: 30_000, interval: 50 });
    expect(await row(app)).toMatchObject({ attempts: 1, failure_code: 'pack_build_failed', last_error: 'disk full at /var/secret/path' });
    expect(await audited(app, 'evidence_pack.failed')).toBe(1);
    await vi.waitFor(
      () => expect(text(dmsToAdmin().at(-1)?.args)).toContain('could not be built or sent (an error on our side). Try again in a minute.'),
      {
        timeout: 30_000,
        interval: 50,
      },
    );
    expect(text(dmsToAdmin())).not.toContain('secret');
  });
});

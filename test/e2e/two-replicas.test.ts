import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import pg from 'pg';
import { startFakeSlackApi } from '../helpers/fake-slack-api.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';
import { seedReleaseWorkspace, type ReleaseWorkspace } from '../helpers/release-workspace.ts';
import { clickButton } from '../helpers/slack-interactions.ts';
import { createServices } from '../../src/services.ts';
import { runAims } from '../helpers/run-aims.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { TEST_SIGNING_SECRET } from '../helpers/slack-signing.ts';
import { TEST_START } from '../helpers/start-test-app.ts';

/**
 * Two replicas of the bot on one PostgreSQL database: two apps, each with its own connection pool (as
 * two processes behind a load balancer have), in this process. Requests are split between them.
 */
describe.runIf(pgTestUrl())('two replicas on one PostgreSQL database', () => {
  let url: string;
  let slackApi: Awaited<ReturnType<typeof startFakeSlackApi>>;
  const replicas: RunningAims[] = [];
  let seeded: ReleaseWorkspace;
  const APPROVERS = Array.from({ length: 20 }, (_, n) => `U0APP${n + 1}`);

  beforeAll(async () => {
    url = await freshPgDatabase();
    slackApi = await startFakeSlackApi({ channels: { C0INC: 'ai-incidents' } });
    const env = {
      AIMS_DATABASE_URL: url,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slackApi.apiUrl,
      AIMS_OUTBOX_SEND_BUDGET_MS: '0',
    };
    // Started together: both apply the migrations at once, under the advisory lock.
    const started = await Promise.all(
      [0, 1].map(
        async () =>
          await startAims(loadConfig(env), { clock: fixedClock(TEST_START), slackRetries: 0, jobs: false, logger: createLogger('silent') }),
      ),
    );
    replicas.push(...started);
    seeded = await seedReleaseWorkspace(started[0]!.store, { approvers: APPROVERS });
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await slackApi.close();
  });

  it('50 incident reports submitted at once, split across both, are INC-1 to INC-50 with no gap, each with its audit event', async () => {
    const [a, b] = replicas as [RunningAims, RunningAims];
    const harnessOf = (replica: RunningAims) => ({ eventsUrl: `${replica.url}/slack/events`, slackApi });
    const reporter = { user: 'U0REP', name: 'rita' };
    const form = await slackConversation(() => harnessOf(a) as never).openModal(reporter, 'incident Scorer holds payments');
    const fields = {
      type: 'other',
      systemName: 'Fraud Scorer',
      description: 'd',
      affected: 'a',
      detectedAt: '2026-11-22T08:30:00.000Z',
      severity: 'S3',
    };
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        const replica = n % 2 === 0 ? a : b;
        return await submitModal(harnessOf(replica).eventsUrl, form as never, { ...fields, title: `Report ${n}` }, reporter, `V0TWO${n}`);
      }),
    );
    // Every submission is answered. Write units run one at a time across the replicas (the chain's lock),
    // so on a loaded machine the last of 50 simultaneous ones can miss Bolt's 3 s ack and be answered 404
    // by Bolt while the handler goes on: what counts here is that each is then stored exactly once.
    expect(answers.every((answer) => answer.status === 200 || answer.status === 404)).toBe(true);

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // A submission Bolt answered 404 is still being handled: wait until the handlers have settled.
      const numbers = await until(async () => {
        const stored = (await db.query<{ number: number }>('SELECT number FROM incidents ORDER BY number')).rows.map((row) => row.number);
        return stored.length === 50 ? stored : undefined;
      }, 90_000);
      expect(numbers).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
      const audited = await db.query<{ n: string }>(
        "SELECT count(DISTINCT subject) AS n FROM audit_events WHERE action = 'incident.reported' AND subject LIKE 'incident:%'",
      );
      expect(Number(audited.rows[0]?.n)).toBe(50);
    } finally {
      await db.end();
    }
    const verified = await runAims(['audit', 'verify', '--db', url]);
    expect(verified.out).toContain('OK');
    expect(verified.code).toBe(0);
  });

  it('20 approvers clicking Approve at once on a 2-approval release, split across both: 2 approvals, approved once, and the card ends approved', async () => {
    const [a, b] = replicas as [RunningAims, RunningAims];
    const services = createServices({
      store: a.store,
      clock: fixedClock(TEST_START),
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    });
    const { release } = await services.releases.request(seeded.admin, {
      aiSystemId: seeded.systemId,
      version: '2.0.0',
      changeType: 'retrain',
      whatChanged: 'Nightly retrain.',
      measurements: [],
      risks: 'none',
    });
    // The approvals channel card goes out from an outbox (either replica's).
    const card = await until(() => slackApi.callsTo('chat.postMessage').find((call) => call.args.channel === 'C0APP'), 60_000);
    const ts = card.ts ?? '';
    expect(ts).not.toBe('');
    const button = {
      action_id: 'aims:release.approve:0',
      value: JSON.stringify({ release: String(release.id) }),
      text: { type: 'plain_text', text: 'Approve' },
    };
    const clicks = await Promise.all(
      APPROVERS.map(async (user, n) => {
        const replica = n % 2 === 0 ? a : b;
        return await clickButton(
          `${replica.url}/slack/events`,
          button,
          { user, name: user.toLowerCase() },
          slackApi.responseUrl(`${user}-approve`),
          { channel: 'C0APP', ts },
        );
      }),
    );
    expect(clicks.map((click) => click.status)).toEqual(APPROVERS.map(() => 200));

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const state = await db.query<{ status: string }>('SELECT status FROM releases WHERE id = $1', [release.id]);
      expect(state.rows[0]?.status).toBe('approved');
      const approvals = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM release_decisions WHERE release_id = $1 AND decision = 'approve' AND active",
        [release.id],
      );
      expect(Number(approvals.rows[0]?.n)).toBe(2);
      const approvedEvents = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM audit_events WHERE subject = $1 AND action = 'release.approved'",
        [`release:${release.id}`],
      );
      expect(Number(approvedEvents.rows[0]?.n)).toBe(1);
    } finally {
      await db.end();
    }
    // Every update of the channel card has gone out; the last one shows the decision.
    const updates = await until(async () => {
      const sent = slackApi.callsTo('chat.update').filter((call) => call.args.channel === 'C0APP' && call.args.ts === ts);
      const pending = (await a.store.read(async (repos) => await repos.outbox.summary())).pending;
      return pending === 0 && sent.length > 0 ? sent : undefined;
    });
    expect(JSON.stringify(updates.at(-1)?.args)).toContain('Approved');
    expect(JSON.stringify(updates.at(-1)?.args)).not.toContain('aims:release.approve');
    const verified = await runAims(['audit', 'verify', '--db', url]);
    expect(verified.code).toBe(0);
  });

  it('both replicas firing the weekly digest at the same minute: one digest goes out', async () => {
    const [a, b] = replicas as [RunningAims, RunningAims];
    const before = slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === 'C0LEAD').length;
    const at = new Date('2026-11-30T09:00:00Z');
    await Promise.all([a.runJob('digest', at), b.runJob('digest', at)]);
    const digests = slackApi
      .callsTo('chat.postMessage')
      .filter((call) => call.args.channel === 'C0LEAD')
      .slice(before);
    expect(digests).toHaveLength(1);
    expect(JSON.stringify(digests[0]?.args)).toContain('2026-W49');
  });
});

/** Polls `probe` until it returns something (the outboxes send in the background), for up to 20 s. */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting');
}

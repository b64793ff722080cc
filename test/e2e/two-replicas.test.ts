import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAims, type RunningAims } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import pg from 'pg';
import { startFakeSlackApi } from '../helpers/fake-slack-api.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';
import { seedReleaseWorkspace } from '../helpers/release-workspace.ts';
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
    await seedReleaseWorkspace(started[0]!.store, { approvers: ['U0APP1', 'U0APP2', 'U0APP3'] });
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
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 50 }, () => 200));

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const numbers = (await db.query<{ number: number }>('SELECT number FROM incidents ORDER BY number')).rows.map((row) => row.number);
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
});

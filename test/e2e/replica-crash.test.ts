import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.ts';
import { PgStore } from '../../src/store/postgres/pg-store.ts';
import { startFakeSlackApi } from '../helpers/fake-slack-api.ts';
import { freshPgDatabase, pgTestUrl } from '../helpers/pg-test-db.ts';
import { seedReleaseWorkspace } from '../helpers/release-workspace.ts';
import { runAims } from '../helpers/run-aims.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { TEST_SIGNING_SECRET } from '../helpers/slack-signing.ts';
import { killGroup, spawnBot, type SpawnedBot } from '../helpers/spawn-bot.ts';

/**
 * Two real bot processes (as `npm start` runs them) on one PostgreSQL database, and one of them killed -9
 * in the middle of a burst of incident reports: whatever it had in flight is rolled back by the server
 * (its connections drop), so what is stored stays whole, numbered without gaps and audited.
 */
describe.runIf(pgTestUrl())('kill -9 of one PostgreSQL replica mid-burst', () => {
  let url: string;
  let slackApi: Awaited<ReturnType<typeof startFakeSlackApi>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    url = await freshPgDatabase();
    // A workspace set up as an admin would have it; the bots run on the system clock, so the seed does too.
    const seed = await PgStore.open(url);
    try {
      await seedReleaseWorkspace(seed, { clock: systemClock });
    } finally {
      await seed.close();
    }
    slackApi = await startFakeSlackApi({ channels: { C0INC: 'ai-incidents', C0LEAD: 'ai-leadership', C0APP: 'ai-approvals' } });
  });
  afterAll(async () => {
    for (const child of children) killGroup(child);
    await slackApi.close();
  });

  /** What each bot reads from its environment, as `npm start` would. */
  const botEnv = (port: number): Record<string, string> => ({
    AIMS_DATABASE_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slackApi.apiUrl,
    LOG_LEVEL: 'error',
    // People are answered "queued" after this wait instead of the default 2 s.
    AIMS_OUTBOX_SEND_BUDGET_MS: '200',
  });

  it('B answers everything; what either answered is stored once, INC-1..N with no gap, each audited; the chain verifies', async () => {
    // Started together: both apply the migrations at once, under the advisory lock (the seed already did; they find none left).
    const [a, b] = (await Promise.all([spawnBot(botEnv, children), spawnBot(botEnv, children)])) as [SpawnedBot, SpawnedBot];
    const eventsUrl = (bot: SpawnedBot) => `${bot.url}/slack/events`;
    const reporter = { user: 'U0REP', name: 'rita' };
    const form = await slackConversation(() => ({ eventsUrl: eventsUrl(b), slackApi }) as never).openModal(
      reporter,
      'incident Crash burst',
    );
    const fields = {
      type: 'other',
      systemName: 'Fraud Scorer',
      description: 'd',
      affected: 'a',
      detectedAt: '2026-11-22T08:30:00.000Z',
      severity: 'S3',
    };
    const submit = async (bot: SpawnedBot, title: string) => {
      // A request to A that was in flight when A died fails with a connection reset ("fetch failed"): expected, kept as undefined.
      try {
        return {
          title,
          ...(await submitModal(eventsUrl(bot), form as never, { ...fields, title }, reporter, `V0${title.replace(/\W/g, '')}`)),
        };
      } catch {
        return { title, status: undefined, json: undefined };
      }
    };

    // The burst: 40 reports, 20 to each replica, sent as 5 concurrent streams per replica, one request after another
    // in each. A answers a report only after trying its posts, long after committing it: were all 20 sent at
    // once, A would have committed its whole share before its 10th answer. In streams, A still has reports on
    // their way in (received, being written, or committed and not yet answered) when it is killed -9 (its whole
    // process group) at its 10th answer.
    let answeredByA = 0;
    let killed = false;
    const killA = () => {
      if (killed) return;
      killed = true;
      killGroup(a.child);
    };
    const stream = async (bot: SpawnedBot, onA: boolean, first: number) => {
      const answers = [];
      for (let n = first; n < 40; n += 10) {
        const answer = await submit(bot, `Burst ${n}`);
        if (onA && answer.status !== undefined && ++answeredByA >= 10) killA();
        answers.push({ ...answer, onA });
      }
      return answers;
    };
    const burst = (
      await Promise.all(Array.from({ length: 10 }, async (_, first) => await stream(first % 2 === 0 ? a : b, first % 2 === 0, first)))
    ).flat();
    // Should A fail before its 10th answer (it does not), it still dies before the rest, so the test goes on.
    killA();
    await a.exited;
    const after = await Promise.all(Array.from({ length: 10 }, async (_, n) => await submit(b, `After ${n}`)));

    const toB = [...burst.filter((answer) => !answer.onA), ...after];
    expect(toB.map((answer) => `${answer.title} ${answer.status}`)).toEqual(toB.map((answer) => `${answer.title} 200`));
    expect(answeredByA).toBeGreaterThanOrEqual(10);
    const answered = [...burst, ...after].filter((answer) => answer.status === 200);
    // A 200 here is the report's confirmation, not a form error shown back.
    for (const answer of answered) expect(JSON.stringify(answer.json), answer.title).toMatch(/Logged INC-\d+\./);

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const stored = (
        await db.query<{ id: number; number: number; title: string }>('SELECT id, number, title FROM incidents ORDER BY number')
      ).rows;
      const titles = stored.map((row) => row.title);
      // Exactly once each; every answered one is there. A may have committed some it never got to answer: those are whole too.
      expect(new Set(titles).size).toBe(titles.length);
      for (const answer of answered) expect(titles).toContain(answer.title);
      expect(titles.every((title) => /^(Burst|After) \d+$/.test(title))).toBe(true);
      expect(stored.map((row) => row.number)).toEqual(stored.map((_, n) => n + 1));

      // Nothing half-written: each incident has its one reported event, and no event names an incident that is not there.
      // (Both sides sorted here: the server's collation need not order text as JavaScript does.)
      const events = (await db.query<{ subject: string }>("SELECT subject FROM audit_events WHERE action = 'incident.reported'")).rows
        .map((row) => row.subject)
        .sort();
      expect(events).toEqual(stored.map((row) => `incident:${row.id}`).sort());
    } finally {
      await db.end();
    }
    const verified = await runAims(['audit', 'verify', '--db', url]);
    expect(verified.out).toContain('OK');
    expect(verified.code).toBe(0);
  });
});

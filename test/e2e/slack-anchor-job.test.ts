import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/aims-cli.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { JOB_CHANNELS, startSlackOnStoreFile } from '../helpers/slack-job-workspace.ts';
import { startSlackHarness } from '../helpers/start-test-app.ts';
import { testStoreUrl, TEST_STORE_KIND } from '../helpers/store-kinds.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>> & { db: string };
let slack: Harness;
const { openModal } = slackConversation(() => slack);
const ADMIN = { user: 'U0ADMIN', name: 'admin' };
const text = (value: unknown) => JSON.stringify(value ?? null);
const anchorPosts = () =>
  slack.slackApi
    .callsTo('chat.postMessage')
    .filter((call) => call.args.channel === 'C0LEAD' && text(call.args.blocks).includes('AIMS audit anchor'));
const anchorRows = async () =>
  await sqlOf(slack.app.store).all<{ sequence: number; hash: string; channelId: string; source: string }>(
    'SELECT sequence, hash, channel_id AS "channelId", source FROM published_anchors ORDER BY id',
  );
const anchorRuns = async () =>
  (await sqlOf(slack.app.store).all<{ period: string }>("SELECT period FROM job_runs WHERE job = 'anchor' ORDER BY id")).map(
    (row) => row.period,
  );
const run = async (at: string) => (await slack.app.runJob('anchor', new Date(at))) as Array<{ outcome: string }>;

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--db', slack.db], { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function setup(defaultApprovals: string, viewId: string) {
  await submitModal(
    slack.eventsUrl,
    await openModal(ADMIN, 'setup'),
    { incidentsChannel: 'C0INC', approvalsChannel: 'C0APP', leadershipChannel: 'C0LEAD', defaultApprovals, timeZone: 'UTC' },
    { user: ADMIN.user },
    viewId,
  );
}

/**
 * A bot on a store the CLI opens too (`--db`): a SQLite file, or this project's PostgreSQL database (its URL).
 */
async function startBotForCli(env: Record<string, string>): Promise<Harness> {
  if (TEST_STORE_KIND === 'sqlite') {
    const onFile = await startSlackOnStoreFile(env);
    return { ...onFile, db: onFile.dbPath };
  }
  const harness = await startSlackHarness(env, { channels: JOB_CHANNELS });
  return { ...harness, db: testStoreUrl(harness.app.store) ?? '' };
}

// Each test has its own bot and store (the CLI opens it too), set up; the days before it are replayed below.
beforeEach(async () => {
  slack = await startBotForCli({ AIMS_ADMINS: 'slack:U0ADMIN' });
  await setup('1', 'V1');
});
afterEach(async () => {
  await slack.close();
});

/** 2026-11-23: the first anchor, then a change later that day (still one anchor that day). */
async function the23rd() {
  await run('2026-11-23T09:00:00Z');
  await setup('2', 'V2');
  await run('2026-11-23T15:00:00Z');
}
/** 2026-11-24: an anchor of what changed since; 2026-11-25: a quiet day. */
async function the24thAnd25th() {
  await run('2026-11-24T09:00:00Z');
  await run('2026-11-25T09:00:00Z');
}
/** 2026-11-26: a change, the anchor refused by Slack; the scheduler posts it on 2026-11-27 at the digest hour. */
async function the26thFailedThe27thSent() {
  await setup('1', 'V3');
  slack.slackApi.failPostsTo('C0LEAD');
  await run('2026-11-26T09:00:00Z');
  slack.slackApi.failPostsTo('C0LEAD', false);
  await slack.app.runJob('anchor', new Date('2026-11-26T10:00:00Z'), true);
  await slack.app.runJob('anchor', new Date('2026-11-27T09:00:00Z'), true);
}

describe('daily audit anchor on Slack', () => {
  it('posts the chain head to the leadership channel once a day when something changed, and records it', async () => {
    expect((await run('2026-11-23T09:00:00Z')).map((r) => r.outcome)).toEqual(['sent']);
    expect(anchorPosts()).toHaveLength(1);
    const post = anchorPosts()[0];
    expect(post?.problems).toEqual([]);
    const [row] = await anchorRows();
    expect(row).toMatchObject({ channelId: 'C0LEAD', source: 'anchor 2026-11-23' });
    expect(text(post?.args.blocks)).toContain(`*AIMS audit anchor · 2026-11-23:* audit chain head #${row?.sequence} \`${row?.hash}\``);
    const atSequence = await sqlOf(slack.app.store).get<{ hash: string }>(
      'SELECT hash FROM audit_events WHERE sequence = ?',
      row?.sequence,
    );
    expect(atSequence?.hash).toBe(row?.hash);

    // A change later the same day: still one anchor that day.
    await setup('2', 'V2');
    expect((await run('2026-11-23T15:00:00Z')).map((r) => r.outcome)).toEqual(['already sent']);
    expect(anchorPosts()).toHaveLength(1);
  });

  it('the next day posts what changed since; a quiet day posts nothing and claims nothing', async () => {
    await the23rd();
    expect((await run('2026-11-24T09:00:00Z')).map((r) => r.outcome)).toEqual(['sent']);
    expect(anchorPosts()).toHaveLength(2);
    expect((await run('2026-11-25T09:00:00Z')).map((r) => r.outcome)).toEqual(['nothing changed']);
    expect(anchorPosts()).toHaveLength(2);
    expect(await anchorRuns()).toEqual(['2026-11-23', '2026-11-24']);
  });

  it('a failed anchor is posted by the next run of the day, once; the scheduler runs it at the digest hour only', async () => {
    await the23rd();
    await the24thAnd25th();
    await setup('1', 'V3');
    slack.slackApi.failPostsTo('C0LEAD');
    expect((await run('2026-11-26T09:00:00Z')).map((r) => r.outcome)).toEqual(['failed']);
    slack.slackApi.failPostsTo('C0LEAD', false);
    expect(await anchorRows()).toHaveLength(2);
    expect((await slack.app.runJob('anchor', new Date('2026-11-26T10:00:00Z'), true)) as unknown[]).toEqual([]);
    expect(
      ((await slack.app.runJob('anchor', new Date('2026-11-27T09:00:00Z'), true)) as Array<{ outcome: string }>).map((r) => r.outcome),
    ).toEqual(['sent']);
    expect((await anchorRows()).map((r) => r.source)).toEqual(['anchor 2026-11-23', 'anchor 2026-11-24', 'anchor 2026-11-27']);
    expect(
      await sqlOf(slack.app.store).get(
        "SELECT d.status FROM job_deliveries d JOIN job_runs r ON r.id = d.run_id WHERE r.period = '2026-11-26'",
      ),
    ).toEqual({ status: 'superseded' });
  });

  it('the weekly digest records the head it showed; aims audit anchors lists them all and verify --published checks them', async () => {
    await the23rd();
    await the24thAnd25th();
    await the26thFailedThe27thSent();
    await slack.app.runJob('digest', new Date('2026-11-30T09:00:00Z'));
    const digest = (await anchorRows()).at(-1);
    expect(digest).toMatchObject({ channelId: 'C0LEAD', source: 'digest 2026-W49' });
    const listed = await cli(['audit', 'anchors']);
    expect(listed.code).toBe(0);
    expect(listed.out.split('\n')).toHaveLength(4);
    expect(listed.out).toContain(`#${digest?.sequence} ${digest?.hash} · digest 2026-W49 · slack:`);
    expect(listed.out).toContain('#ai-leadership (C0LEAD)');
    expect(JSON.parse((await cli(['audit', 'anchors', '--json'])).out)).toHaveLength(4);
    const verified = await cli(['audit', 'verify', '--published']);
    expect(verified.out).toContain('OK: the chain holds all 4 expected head(s)');
    expect(verified.code).toBe(0);
  });

  it('verify --published catches a tail cut back past a published head, naming the sequence and where it was published', async () => {
    await the23rd();
    await the24thAnd25th();
    await the26thFailedThe27thSent();
    await slack.app.runJob('digest', new Date('2026-11-30T09:00:00Z'));
    const last = (await anchorRows()).at(-1);
    // The tail cut behind the bot's back (it is idle now), from the last published head on.
    expect(await sqlOf(slack.app.store).run('DELETE FROM audit_events WHERE sequence >= ?', last?.sequence)).toBeGreaterThan(0);
    const { code, out } = await cli(['audit', 'verify', '--published']);
    expect(code).toBe(1);
    expect(out).toContain(
      `FAILED: expected head #${last?.sequence} (published 2026-11-22T10:00:00.000Z to #ai-leadership (C0LEAD) in slack:`,
    );
    expect(out).toMatch(
      new RegExp(
        `, digest 2026-W49\\): no event #${last?.sequence}: the chain of workspace slack:\\S+ ends at #${(last?.sequence ?? 0) - 1}`,
      ),
    );
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/aims-cli.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import { startSlackOnStoreFile } from '../helpers/slack-job-workspace.ts';
import { skippingWallClock, type SkippingWallClock } from '../helpers/start-test-app.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackOnStoreFile>>;
type Row = {
  id: number;
  kind: string;
  target: string;
  status: string;
  attempts: number;
  lastError: string | null;
  takenAt: string | null;
  nextAttemptAt: string | null;
};
let slack: Harness;
let outboxClock: SkippingWallClock;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const REPORTER = { user: 'U0REP', name: 'rita' };
const text = (value: unknown) => JSON.stringify(value ?? null);

const outboxOf = async (number: number) =>
  await sqlOf(slack.app.store).all<Row>(
    `SELECT o.id, o.kind, o.target, o.status, o.attempts, o.last_error AS "lastError", o.taken_at AS "takenAt", o.next_attempt_at AS "nextAttemptAt"
       FROM outbox_messages o JOIN incidents i ON o.subject = 'incident:' || i.id WHERE i.number = ? ORDER BY o.id`,
    number,
  );
/** chat.postMessage calls of INC-n's card to a channel: every attempt, and those Slack accepted. */
const postsOf = (number: number, channel: string) =>
  slack.slackApi
    .callsTo('chat.postMessage')
    .filter((call) => call.args.channel === channel && text(call.args.blocks).includes(`INC-${number} ·`));
/** The channel copies of INC-n the bot tracks (its reporter's own copy aside). */
const postedCopies = async (number: number) =>
  await sqlOf(slack.app.store).all(
    "SELECT p.channel_id FROM posted_messages p JOIN incidents i ON p.subject = 'incident:' || i.id WHERE i.number = ? AND p.purpose NOT LIKE 'personal:%'",
    number,
  );

/** Waits until INC-n's first message has been tried once and is not being sent right now (the send runs after the answer). */
async function triedOnce(number: number): Promise<Row> {
  for (let i = 0; i < 400; i++) {
    const [row] = await outboxOf(number);
    if (row && row.attempts >= 1 && row.status !== 'sending') return row;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`INC-${number}'s message was never tried: ${text(await outboxOf(number))}`);
}

/** Waits until the sender has settled INC-n's messages (it retries in the background, after backoff). */
async function settled(number: number): Promise<Row[]> {
  for (let i = 0; i < 400; i++) {
    const rows = await outboxOf(number);
    if (rows.length > 0 && rows.every((row) => row.status === 'sent' || row.status === 'failed')) return rows;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`INC-${number}'s outbox never settled: ${text(await outboxOf(number))}`);
}

async function report(title: string, view: string) {
  const form = await openModal(REPORTER, `incident ${title}`);
  return await submitModal(
    slack.eventsUrl,
    form,
    {
      severity: 'S3',
      type: 'other',
      systemName: 'Shadow chatbot',
      description: 'd',
      affected: 'a',
      detectedAt: '2026-11-22T08:30:00.000Z',
    },
    REPORTER,
    view,
  );
}

// Each test has its own bot and store file (aims jobs list reads the file): set up, nothing reported yet.
// The reporter waits 300 ms for the post (2 s in the app): every test here ends in "queued" anyway.
// Retries wait on a clock that skips ahead to their due time (held where a test looks at the wait).
beforeEach(async () => {
  outboxClock = skippingWallClock();
  slack = await startSlackOnStoreFile({ AIMS_ADMINS: 'slack:U0ADMIN' }, {}, undefined, { outboxSendBudgetMs: 300, outboxClock });
  const setup = await openModal(ADMIN, 'setup');
  await submitModal(
    slack.eventsUrl,
    setup,
    { incidentsChannel: 'C0INC', approvalsChannel: 'C0APP', leadershipChannel: 'C0LEAD', defaultApprovals: '2', timeZone: 'UTC' },
    ADMIN,
    'V0SETUP',
  );
});
afterEach(async () => {
  await slack.close();
});

describe('the outbox sender on Slack', () => {
  it('Slack answers 500, then OK: the reporter is told the post is queued, it is retried and posted once', async () => {
    slack.slackApi.httpErrorFor('C0INC', 500, 1);
    const saved = await report('Chatbot quotes wrong fees', 'V0OUT1');
    expect(text(saved.json?.view)).toContain('Logged INC-1. Posting to #ai-incidents is queued: it goes out as soon as Slack answers.');
    const [row] = await settled(1);
    expect(row).toMatchObject({ kind: 'post', target: 'incidents', status: 'sent', attempts: 2 });
    expect(postsOf(1, 'C0INC')).toHaveLength(2);
    // One copy on record (the failed attempt posted nothing), so later changes update exactly it.
    expect(await postedCopies(1)).toHaveLength(1);
  });

  it('Slack answers 429 with Retry-After: the retry waits as long as Slack asked, then posts once', async () => {
    slack.slackApi.httpErrorFor('C0INC', 429, 1);
    outboxClock.hold(true);
    await report('Chatbot invents a refund policy', 'V0OUT2');
    // Right after the 429 the message waits for Retry-After (1 s), not the sender's own backoff (20 ms in tests).
    const waiting = await triedOnce(1);
    outboxClock.hold(false);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting.lastError).toMatch(/rate-limit/);
    expect(new Date(waiting.nextAttemptAt ?? 0).getTime() - new Date(waiting.takenAt ?? 0).getTime()).toBeGreaterThanOrEqual(1000);
    const [row] = await settled(1);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(postsOf(1, 'C0INC').filter((call) => !call.held)).toHaveLength(2);
    expect(await postedCopies(1)).toHaveLength(1);
  });

  it('gives up into failed after its bound; /aims status and aims jobs list show it, and the audit records it', async () => {
    slack.slackApi.httpErrorFor('C0INC', 500);
    // Slack hangs first: the reporter is answered within Slack's 3 s anyway, the post still on its way.
    slack.slackApi.holdPosts(true);
    const saved = await report('Chatbot leaks an address', 'V0OUT3');
    expect(text(saved.json?.view)).toContain('Logged INC-1. Posting to #ai-incidents is queued');
    const waiting = text((await command(ADMIN, 'status')).json);
    // The card and the reporter's own copy (a direct message) are both waiting.
    expect(waiting).toContain('Channel posts: 2 waiting to be sent (oldest queued under an hour ago).');
    expect(waiting).toContain('INC-1 card to the incidents channel: waiting');
    slack.slackApi.holdPosts(false);
    const [row] = await settled(1);
    expect(row).toMatchObject({ status: 'failed', attempts: 12 });
    slack.slackApi.httpErrorFor('C0INC', undefined);
    const status = text((await command(ADMIN, 'status')).json);
    expect(status).toContain('Channel posts: 1 failed. INC-1 card to the incidents channel: failed');
    expect(await sqlOf(slack.app.store).count('audit_events', "action = 'outbox.failed'")).toBe(1);

    const out: string[] = [];
    const code = await runCli(['jobs', 'list', '--db', slack.dbPath], {
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      env: {},
    });
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Outbox: 0 waiting, 1 failed.');
    expect(out.join('\n')).toMatch(
      /outbox #\d+ workspace #1 INC-1 card to the incidents channel: failed after 12 attempt\(s\); An HTTP protocol error occurred: statusCode = 500/,
    );
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
  });
});

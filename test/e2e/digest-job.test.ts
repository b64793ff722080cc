import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAims } from '../helpers/run-aims.ts';
import { slackJobEnv } from '../helpers/slack-job-env.ts';
import { submitModal } from '../helpers/slack-interactions.ts';
import { postSlashCommand } from '../helpers/slack-signing.ts';
import { openModal, slackJobWorkspace, startSlackOnStoreFile } from '../helpers/slack-job-workspace.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackOnStoreFile>>;
let slack: Harness;

const text = (value: unknown) => JSON.stringify(value ?? null);
const command = async (user: string, words: string) =>
  await postSlashCommand(slack.eventsUrl, { text: words, user_id: user, user_name: user.toLowerCase() });
const posts = () =>
  slack.slackApi
    .callsTo('chat.postMessage')
    .filter((call) => call.args.channel === 'C0LEAD' && text(call.args.blocks).includes('AIMS weekly digest'));

/**
 * `aims jobs run digest --at …` as an operator would run it, against the bot's store and the fake Slack:
 * the CLI's function in this process, on a store connection of its own (as a second process has).
 */
const runDigestCli = async (at: string) =>
  await runAims(['jobs', 'run', 'digest', '--at', at], slackJobEnv(slack.dbPath, slack.slackApi.apiUrl));

// Each test has its own bot and store: the app's clock says 2026-11-22 10:00 UTC (a Sunday, ISO week 2026-W47).
beforeEach(async () => {
  slack = await startSlackOnStoreFile({ AIMS_ADMINS: 'slack:U0ADMIN' }, { users: { U0OWNER: 'Olivia Owner' } });
  const { systemId } = await slackJobWorkspace(slack, { admin: 'U0ADMIN', owner: 'U0OWNER', systemName: 'Fraud Scorer' });
  // One S1 incident open this week; a review overdue since 2026-11-01.
  await submitModal(
    slack.eventsUrl,
    await openModal(slack, 'U0ADMIN', 'incident Scorer down'),
    { aiSystem: systemId, description: 'd', severity: 'S1', type: 'malfunction', affected: 'all' },
    { user: 'U0ADMIN' },
    'V3',
  );
  await submitModal(
    slack.eventsUrl,
    await openModal(slack, 'U0ADMIN', 'review add'),
    { kind: 'risk-register-review', owner: 'U0OWNER', cadenceDays: '30', nextDue: '2026-11-01' },
    { user: 'U0ADMIN' },
    'V4',
  );
});
afterEach(async () => {
  await slack.close();
});

/** The weeks so far: W48 sent (and run again), W49 refused by Slack, W50 with W49 late, W51 by two processes. */
async function fiveWeeksOfDigests() {
  await runDigestCli('2026-11-23T09:00:00Z');
  await runDigestCli('2026-11-24T09:00:00Z');
  slack.slackApi.failPostsTo('C0LEAD');
  await runDigestCli('2026-11-30T09:00:00Z');
  slack.slackApi.failPostsTo('C0LEAD', false);
  await runDigestCli('2026-12-07T09:00:00Z');
  await Promise.all([runDigestCli('2026-12-14T09:00:00Z'), runDigestCli('2026-12-14T09:00:00Z')]);
}

describe('weekly digest', () => {
  it('posts the week in numbers to the leadership channel, checked against the store', async () => {
    const result = await runDigestCli('2026-11-23T09:00:00Z');
    expect(result.out).toContain('acme 2026-W48: sent');
    expect(result.code).toBe(0);
    expect(posts()).toHaveLength(1);
    const digest = text(posts()[0]?.args);
    expect(posts()[0]?.problems).toEqual([]);
    expect(digest).toContain('AIMS weekly digest · 2026-W48');
    expect(digest).toContain('Needs attention:* 1 open S1/S2 incident(s); 1 overdue item(s).');
    expect(digest).toContain('*Open incidents*\\n1 S1, 0 S2, 0 S3, 0 S4');
    expect(digest).toContain('*Incidents this week*\\n1 opened, 0 closed');
    expect(digest).toContain('Review #1 (risk register review) · Olivia Owner · 22 days overdue (due 1 Nov 2026)');
    const head = (await sqlOf(slack.app.store).get<{ seq: number }>('SELECT max(sequence) AS seq FROM audit_events'))!;
    expect(digest).toMatch(/audit chain head #\d+ `[0-9a-f]{64}`/);
    expect(Number(/audit chain head #(\d+)/.exec(digest)?.[1])).toBeLessThanOrEqual(head.seq);
  });

  it('runs of the same week, by hand or in two processes at once, send nothing twice', async () => {
    expect((await runDigestCli('2026-11-23T09:00:00Z')).out).toContain('acme 2026-W48: sent');
    const again = await runDigestCli('2026-11-24T09:00:00Z');
    expect(again.out).toContain('acme 2026-W48: already sent');
    const [a, b] = await Promise.all([runDigestCli('2026-11-25T09:00:00Z'), runDigestCli('2026-11-25T09:00:01Z')]);
    expect([a.out, b.out].join('')).not.toContain(': sent\n');
    expect(posts()).toHaveLength(1);
  });

  it('a digest that failed to send is sent by the next run, once', async () => {
    expect((await runDigestCli('2026-11-23T09:00:00Z')).out).toContain('acme 2026-W48: sent');
    slack.slackApi.failPostsTo('C0LEAD');
    const failed = await runDigestCli('2026-11-30T09:00:00Z');
    expect(failed.out).toContain('acme 2026-W49: failed');
    expect(failed.code).toBe(1);
    slack.slackApi.failPostsTo('C0LEAD', false);
    const next = await runDigestCli('2026-12-07T09:00:00Z');
    expect(next.out).toContain('acme 2026-W50: sent');
    // Calls: W48 sent, W49 refused by Slack, then W49 (late) and W50 delivered by the next run.
    const calls = posts();
    expect(calls).toHaveLength(4);
    expect(text(calls[2]?.args)).toContain('Late: the digest of 2026-W49 could not be sent then');
    expect(text(calls[3]?.args)).toContain('AIMS weekly digest · 2026-W50');
    const rerun = await runDigestCli('2026-12-08T09:00:00Z');
    expect(rerun.out).toContain('acme 2026-W50: already sent');
    expect(posts()).toHaveLength(4);
  });

  it('two processes running a fresh week at the same moment send it exactly once', async () => {
    const before = posts().length;
    const [a, b] = await Promise.all([runDigestCli('2026-12-14T09:00:00Z'), runDigestCli('2026-12-14T09:00:00Z')]);
    const outcomes = [a.out, b.out].map((out) => /2026-W51: (.*)/.exec(out)?.[1]).sort();
    expect(outcomes).toEqual(['already sent', 'sent']);
    expect(posts().length).toBe(before + 1);
  });

  it('status says when the last digest went out; every send is in the audit chain', async () => {
    await fiveWeeksOfDigests();
    expect(text((await command('U0ADMIN', 'status')).json)).toContain('*Last leadership digest*\\n');
    const sends = await sqlOf(slack.app.store).all(
      "SELECT action, count(*) AS n FROM audit_events WHERE action LIKE 'job.%' GROUP BY action ORDER BY action",
    );
    expect(sends).toEqual([
      { action: 'job.claimed', n: 4 },
      { action: 'job.message_failed', n: 1 },
      { action: 'job.message_sent', n: 4 },
    ]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
  });
});

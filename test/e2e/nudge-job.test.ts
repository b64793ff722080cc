import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAims } from '../helpers/run-aims.ts';
import { slackJobEnv } from '../helpers/slack-job-env.ts';
import { buttonsOf, clickButton, submitModal } from '../helpers/slack-interactions.ts';
import { postSlashCommand } from '../helpers/slack-signing.ts';
import { openModal, slackJobWorkspace, startSlackOnStoreFile } from '../helpers/slack-job-workspace.ts';
import { movableClock, startSlackHarness } from '../helpers/start-test-app.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackOnStoreFile>>;
type Json = Record<string, unknown>;
let slack: Harness;

const text = (value: unknown) => JSON.stringify(value ?? null);
const dmsTo = (user: string) => slack.slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === user);
const leadershipPosts = () => slack.slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === 'C0LEAD');

/** `aims jobs run nudges --at …`: the CLI's function in this process, on a store connection of its own. */
async function runNudges(at: string): Promise<string> {
  return (await runAims(['jobs', 'run', 'nudges', '--at', at], slackJobEnv(slack.dbPath, slack.slackApi.apiUrl))).out;
}

describe('daily nudges', () => {
  // Each test has its own bot and store; the app's clock says 2026-11-22.
  beforeEach(async () => {
    slack = await startSlackOnStoreFile({ AIMS_ADMINS: 'slack:U0ALICE' });
    await slackJobWorkspace(slack, { admin: 'U0ALICE', owner: 'U0ALICE', approver: 'U0ANN' });
    // Review #1 (Olivia) due 2026-11-12; review #2 (Ben) due 2026-11-28; review #3 (Cleo) due 2026-11-20.
    for (const [user, due, view] of [
      ['U0OLIVIA', '2026-11-12', 'V3'],
      ['U0BEN', '2026-11-28', 'V4'],
      ['U0CLEO', '2026-11-20', 'V5'],
    ] as const) {
      await submitModal(
        slack.eventsUrl,
        await openModal(slack, 'U0ALICE', 'review add'),
        { kind: 'bias-review', owner: user, cadenceDays: '90', nextDue: due },
        { user: 'U0ALICE' },
        view,
      );
    }
    // A corrective action of Mia's due 2026-10-28 (from review #2, recorded done by an admin).
    await submitModal(
      slack.eventsUrl,
      await openModal(slack, 'U0ALICE', 'review done 2'),
      { outcome: 'no-findings', action1Title: 'Rotate the model keys', action1Owner: 'U0MIA', action1Due: '2026-10-28' },
      { user: 'U0ALICE' },
      'V6',
    );
    // Ben's review #2 is now due again in 90 days; give him one due soon instead.
    await submitModal(
      slack.eventsUrl,
      await openModal(slack, 'U0ALICE', 'review add'),
      { kind: 'drift-review', owner: 'U0BEN', cadenceDays: '90', nextDue: '2026-11-28' },
      { user: 'U0ALICE' },
      'V7',
    );
    // A release pending since 2026-11-22, waiting on Ann.
    await submitModal(
      slack.eventsUrl,
      await openModal(slack, 'U0ALICE', 'release Scorer'),
      { version: '1.0', changeType: 'retrain', whatChanged: 'w', risks: 'r' },
      { user: 'U0ALICE' },
      'V8',
    );
  });
  afterEach(async () => {
    await slack.close();
  });

  /** 2026-11-22: the first nudges; Cleo snoozes her overdue review for a week. Returns what the run printed and the form. */
  async function firstDayCleoSnoozes() {
    const out = await runNudges('2026-11-22T08:00:00Z');
    const nudge = dmsTo('U0CLEO').at(-1)?.args;
    await clickButton(
      slack.eventsUrl,
      buttonsOf(nudge)['Snooze 1 week…'] as Json,
      { user: 'U0CLEO' },
      slack.slackApi.responseUrl('snooze'),
    );
    const form = slack.slackApi.callsTo('views.open').at(-1)?.args.view as Json;
    return { out, nudge, form };
  }
  const snoozeFor = async (form: Json, reason: string) =>
    await submitModal(slack.eventsUrl, form, { reason }, { user: 'U0CLEO' }, 'V0SNOOZE');

  /** The days up to 2026-11-26: Cleo snoozed on the 22nd, everyone nudged on the 26th. */
  async function untilThe26th() {
    await snoozeFor((await firstDayCleoSnoozes()).form, 'Waiting for the new dataset.');
    await runNudges('2026-11-26T08:00:00Z');
  }

  /** 2026-11-27: Slack refuses Olivia (500) and Mia (429) for that run, then answers again. */
  async function twoFailuresOnThe27th() {
    slack.slackApi.httpErrorFor('U0OLIVIA', 500);
    slack.slackApi.httpErrorFor('U0MIA', 429);
    const out = await runNudges('2026-11-27T08:00:00Z');
    slack.slackApi.httpErrorFor('U0OLIVIA', undefined);
    slack.slackApi.httpErrorFor('U0MIA', undefined);
    return out;
  }

  it('Cleo snoozes her overdue review for a week, with a reason', async () => {
    const { out, nudge, form } = await firstDayCleoSnoozes();
    expect(out).toContain('acme 2026-11-22:');
    expect(text(nudge)).toContain('Review #3: Bias review');
    expect(dmsTo('U0CLEO').at(-1)?.problems).toEqual([]);
    const noReason = await snoozeFor(form, '');
    expect(noReason.json?.errors).toEqual({ reason: 'Say why it can wait a week.' });
    const snoozed = await snoozeFor(form, 'Waiting for the new dataset.');
    expect(text(snoozed.json?.view)).toContain('Snoozed until 29 Nov 2026');
  });

  it('as of 2026-11-26: one message per person with items, escalations to admins (> 7 days) and leadership (> 21 days), the snoozed item quiet', async () => {
    await snoozeFor((await firstDayCleoSnoozes()).form, 'Waiting for the new dataset.');
    const before = {
      olivia: dmsTo('U0OLIVIA').length,
      mia: dmsTo('U0MIA').length,
      ann: dmsTo('U0ANN').length,
      ben: dmsTo('U0BEN').length,
      cleo: dmsTo('U0CLEO').length,
      alice: dmsTo('U0ALICE').length,
      lead: leadershipPosts().length,
    };
    const out = await runNudges('2026-11-26T08:00:00Z');
    expect(out).toContain('acme 2026-11-26:');
    expect(dmsTo('U0OLIVIA').length - before.olivia).toBe(1);
    expect(text(dmsTo('U0OLIVIA').at(-1)?.args)).toContain('14 days overdue (due 12 Nov 2026)');
    expect(dmsTo('U0MIA').length - before.mia).toBe(1);
    expect(text(dmsTo('U0MIA').at(-1)?.args)).toContain('Rotate the model keys');
    expect(dmsTo('U0ANN').length - before.ann).toBe(1);
    expect(text(dmsTo('U0ANN').at(-1)?.args)).toContain('Sign-off REL-1: Scorer 1.0');
    expect(dmsTo('U0BEN').length - before.ben).toBe(1);
    expect(text(dmsTo('U0BEN').at(-1)?.args)).toContain('due 28 Nov 2026');
    expect(dmsTo('U0CLEO').length - before.cleo).toBe(0);
    // Alice is admin: her escalation lists both items overdue more than 7 days.
    const escalation = text(dmsTo('U0ALICE').at(-1)?.args);
    expect(dmsTo('U0ALICE').length - before.alice).toBe(1);
    expect(escalation).toContain('Overdue by more than 7 days');
    expect(escalation).toContain('Review #1: Bias review');
    expect(escalation).toContain('Rotate the model keys');
    // Only Mia's action (29 days) reaches the leadership channel.
    expect(leadershipPosts().length - before.lead).toBe(1);
    expect(text(leadershipPosts().at(-1)?.args)).toContain('Overdue by more than 21 days');
    expect(text(leadershipPosts().at(-1)?.args)).not.toContain('Review #1');
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
  });

  it('Slack answering 500 or 429 for one person: the run goes on for the others, records the failure, and the next run reaches them', async () => {
    await untilThe26th();
    slack.slackApi.httpErrorFor('U0OLIVIA', 500);
    slack.slackApi.httpErrorFor('U0MIA', 429);
    const before = { olivia: dmsTo('U0OLIVIA').length, ann: dmsTo('U0ANN').length };
    const out = await runNudges('2026-11-27T08:00:00Z');
    expect(out).toMatch(/acme 2026-11-27: \d+ sent, 0 already sent, 2 failed/);
    expect(dmsTo('U0ANN').length - before.ann).toBe(1);
    const failed = await sqlOf(slack.app.store).all("SELECT recipient FROM job_deliveries WHERE status = 'failed' ORDER BY recipient");
    expect(failed).toHaveLength(2);
    slack.slackApi.httpErrorFor('U0OLIVIA', undefined);
    slack.slackApi.httpErrorFor('U0MIA', undefined);
    const next = await runNudges('2026-11-28T08:00:00Z');
    expect(next).toMatch(/0 failed/);
    expect(text(dmsTo('U0OLIVIA').at(-1)?.args)).toContain('Review #1: Bias review');
    // The failed ones were superseded by today's messages, never sent twice.
    expect(await sqlOf(slack.app.store).count('job_deliveries', "status = 'superseded'")).toBe(2);
  });

  it('the same day run again sends nothing; when the snooze ends, the item comes back', async () => {
    await untilThe26th();
    await twoFailuresOnThe27th();
    await runNudges('2026-11-28T08:00:00Z');
    const count = slack.slackApi.callsTo('chat.postMessage').length;
    expect(await runNudges('2026-11-28T12:00:00Z')).toMatch(/0 sent, \d+ already sent, 0 failed/);
    expect(slack.slackApi.callsTo('chat.postMessage').length).toBe(count);
    await runNudges('2026-11-30T08:00:00Z');
    expect(text(dmsTo('U0CLEO').at(-1)?.args)).toContain('Review #3: Bias review');
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('escalation counts from the due date, whatever the snoozes', () => {
  const clock = movableClock('2026-11-22T07:00:00Z');
  let own: Awaited<ReturnType<typeof startSlackHarness>>;
  const dms = (user: string) => own.slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === user);
  const lead = () => own.slackApi.callsTo('chat.postMessage').filter((call) => call.args.channel === 'C0LEAD');

  beforeEach(async () => {
    own = await startSlackHarness(
      { AIMS_ADMINS: 'slack:U0ALICE' },
      { users: { U0DAN: 'Dan Owner' }, channels: { C0INC: 'ai-incidents', C0APP: 'ai-approvals', C0LEAD: 'ai-leadership' } },
      clock,
    );
    const open = async (words: string) => {
      await postSlashCommand(own.eventsUrl, { text: words, user_id: 'U0ALICE', user_name: 'alice' });
      return own.slackApi.callsTo('views.open').at(-1)?.args.view as Json;
    };
    await submitModal(
      own.eventsUrl,
      await open('setup'),
      { incidentsChannel: 'C0INC', approvalsChannel: 'C0APP', leadershipChannel: 'C0LEAD', defaultApprovals: '1', timeZone: 'UTC' },
      { user: 'U0ALICE' },
      'V1',
    );
    // Dan's review was due 2026-10-23: 30 days overdue on 2026-11-22.
    await submitModal(
      own.eventsUrl,
      await open('review add'),
      { kind: 'bias-review', owner: 'U0DAN', cadenceDays: '90', nextDue: '2026-10-23' },
      { user: 'U0ALICE' },
      'V2',
    );
  });
  afterEach(async () => {
    await own.close();
  });

  it('an owner who snoozes a review 30 days overdue for 1 day, every day, is quiet; admins and leadership are still told every day', async () => {
    await own.app.runJob('nudges', new Date('2026-11-22T08:00:00Z'));
    expect(text(dms('U0DAN').at(-1)?.args)).toContain('30 days overdue (due 23 Oct 2026)');
    for (const day of ['2026-11-23', '2026-11-24', '2026-11-25']) {
      // Each morning before the run, Dan presses "Snooze 1 day" on the last nudge he got.
      clock.set(`${day}T07:00:00Z`);
      const before = { dan: dms('U0DAN').length, alice: dms('U0ALICE').length, lead: lead().length };
      const snooze = buttonsOf(dms('U0DAN').at(-1)?.args)['Snooze 1 day'] as Json;
      await clickButton(own.eventsUrl, snooze, { user: 'U0DAN' }, own.slackApi.responseUrl(`snooze-${day}`));
      const answer = text(own.slackApi.callsTo('response_url').at(-1)?.args);
      expect(answer).toContain('it stays out of your nudges until then.');
      expect(answer).toContain(
        'A snooze quiets only your own nudge: the item still counts as overdue, and admins are told after 7 days overdue and leadership after 21, snoozed or not.',
      );
      await own.app.runJob('nudges', new Date(`${day}T08:00:00Z`));
      expect(dms('U0DAN').length).toBe(before.dan);
      expect(dms('U0ALICE').length).toBe(before.alice + 1);
      expect(text(dms('U0ALICE').at(-1)?.args)).toContain('Review #1: Bias review');
      expect(text(dms('U0ALICE').at(-1)?.args)).toContain('Dan Owner');
      expect(lead().length).toBe(before.lead + 1);
      expect(text(lead().at(-1)?.args)).toContain('Overdue by more than 21 days');
      expect(text(lead().at(-1)?.args)).toContain('Review #1: Bias review');
    }
    expect(await sqlOf(own.app.store).count('audit_events', "action = 'item.snoozed'")).toBe(3);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButtonInView, submitModal } from '../../helpers/slack-interactions.ts';
import { startSlackHarness } from '../../helpers/start-test-app.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };
const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);

// Each test has its own bot, store and fake Slack.
beforeEach(async () => {
  // The test clock says 2026-11-22 (UTC).
  slack = await startSlackHarness({ AIMS_ADMINS: 'slack:U0ADMIN' }, { users: { U0OWNER: 'Olivia Owner' } });
});
afterEach(async () => {
  await slack.close();
});

/** The Fraud Scorer added in production by the admin (owned by Olivia); returns the answer, which offers its reviews. */
async function addFraudScorerInProduction(): Promise<Json | undefined> {
  const form = await openModal(ADMIN, 'system add');
  return (
    await submitModal(
      slack.eventsUrl,
      form,
      {
        name: 'Fraud Scorer',
        description: 'd',
        purpose: 'p',
        owner: 'U0OWNER',
        euRiskLevel: 'high',
        internalTier: 'tier-1',
        stage: 'production',
        provider: 'in-house',
      },
      ADMIN,
      'V0SYS',
    )
  ).json;
}

/** Takes the offer: drift (#1) and bias (#2) reviews every 90 days. */
async function takeReviewsOffer(answer: Json | undefined): Promise<void> {
  const offer = ((answer?.view as Json).blocks as Json[]).find(
    (block) => block.type === 'actions' && text(block).includes('Create drift and bias reviews'),
  );
  expect(offer).toBeDefined();
  const button = (offer?.elements as Json[]).find((element) => text(element).includes('Create drift and bias reviews')) as Json;
  // Clicked where it is, inside the modal: answered by updating that modal (a view has no response_url).
  const updates = calls('views.update').length;
  const clicked = await clickButtonInView(slack.eventsUrl, button, ADMIN, { id: 'V0SYS', view: answer?.view as Json });
  expect(clicked.status).toBe(200);
  expect(calls('views.update')).toHaveLength(updates + 1);
  expect(calls('views.update').at(-1)?.args.view_id).toBe('V0SYS');
  expect(calls('views.update').at(-1)?.problems).toEqual([]);
  expect(text(calls('views.update').at(-1)?.args.view)).toContain('Scheduled 2 review(s), every 90 days.');
  expect(calls('response_url')).toEqual([]);
}

describe('reviews on a cadence, on Slack', () => {
  it('a system added in production is offered its drift and bias reviews (every 90 days)', async () => {
    await takeReviewsOffer(await addFraudScorerInProduction());
    const rows = await sql().all('SELECT kind, cadence_days AS cadence, next_due AS due FROM review_schedules ORDER BY id');
    expect(rows).toEqual([
      { kind: 'drift-review', cadence: 90, due: '2027-02-20' },
      { kind: 'bias-review', cadence: 90, due: '2027-02-20' },
    ]);
  });

  it('schedules a review; a cadence of 0 and an owner outside the workspace are errors at their fields', async () => {
    await takeReviewsOffer(await addFraudScorerInProduction());
    const form = await openModal(ADMIN, 'review add');
    const bad = await submitModal(
      slack.eventsUrl,
      form,
      { kind: 'management-review', owner: 'U0ADMIN', cadenceDays: '0', nextDue: '2026-11-10' },
      ADMIN,
      'V0REV1',
    );
    expect(bad.json).toEqual({ response_action: 'errors', errors: { cadenceDays: 'The cadence must be at least 1 day.' } });
    const saved = await submitModal(
      slack.eventsUrl,
      form,
      { kind: 'management-review', owner: 'U0ADMIN', cadenceDays: '365', nextDue: '2026-11-10' },
      ADMIN,
      'V0REV1',
    );
    expect(text(saved.json?.view)).toContain('Saved review #3, next due 10 Nov 2026.');
    expect(text(saved.json?.view)).toContain('OVERDUE since 10 Nov 2026');
    // The same submission replayed (same view id, same content): one schedule, answered the same.
    const schedules = async () => await sql().count('review_schedules');
    const replayed = await submitModal(
      slack.eventsUrl,
      form,
      { kind: 'management-review', owner: 'U0ADMIN', cadenceDays: '365', nextDue: '2026-11-10' },
      ADMIN,
      'V0REV1',
    );
    expect(text(replayed.json?.view)).toContain('Saved review #3, next due 10 Nov 2026.');
    expect(await schedules()).toBe(3);
    expect(await sql().count('audit_events', "action = 'review.scheduled'")).toBe(3);
  });

  it('only real calendar days: a due date of 2026-02-30 is an error at its field', async () => {
    const form = await openModal(ADMIN, 'review add');
    const bad = await submitModal(
      slack.eventsUrl,
      form,
      { kind: 'internal-audit', owner: 'U0ADMIN', cadenceDays: '365', nextDue: '2026-02-30' },
      ADMIN,
      'V0REVDATE',
    );
    expect(bad.json).toEqual({
      response_action: 'errors',
      errors: { nextDue: '2026-02-30 is not a day on the calendar. Give the next due date as YYYY-MM-DD.' },
    });
  });

  it('a member may not schedule or record a review they do not own; the owner records one done with findings and an action, and the next due moves on', async () => {
    await takeReviewsOffer(await addFraudScorerInProduction());
    const form = await openModal(MEMBER, 'review add');
    const refused = await submitModal(
      slack.eventsUrl,
      form,
      { kind: 'ai-policy-review', owner: 'U0MEMBER', cadenceDays: '365', nextDue: '2026-12-01' },
      MEMBER,
      'V0REVM',
    );
    expect(text(refused.json?.view)).toContain('Only an admin, the review');
    const mine = await command(OWNER, 'review mine');
    expect(text(mine.json)).toContain('#1 Drift review');
    const done = await openModal(OWNER, 'review done 1');
    const noFindings = await submitModal(slack.eventsUrl, done, { outcome: 'findings', findings: '' }, OWNER, 'V0DONE');
    expect(noFindings.json?.errors).toEqual({ findings: 'Describe the findings.' });
    const recorded = await submitModal(
      slack.eventsUrl,
      done,
      {
        outcome: 'findings',
        findings: 'PSI above 0.2 on two features.',
        evidence: 'https://grafana.example.com/d/drift',
        action1Title: 'Retrain with fresh data',
        action1Owner: 'U0OWNER',
        action1Due: '2026-12-15',
      },
      OWNER,
      'V0DONE',
    );
    expect(text(recorded.json?.view)).toContain('Recorded review #1. Next due 20 Feb 2027. 1 corrective action(s) created.');
    const row = await sql().get('SELECT next_due AS due, last_done AS done FROM review_schedules WHERE id = 1');
    expect(row).toEqual({ due: '2027-02-20', done: '2026-11-22' });
    expect(text((await command(OWNER, 'action list mine')).json)).toContain('Retrain with fresh data');
  });

  it('status shows reviews overdue and due this week by kind; the audit chain verifies', async () => {
    // The drift (#1) and bias (#2) reviews, and an overdue yearly management review (#3).
    await takeReviewsOffer(await addFraudScorerInProduction());
    const form = await openModal(ADMIN, 'review add');
    const saved = await submitModal(
      slack.eventsUrl,
      form,
      { kind: 'management-review', owner: 'U0ADMIN', cadenceDays: '365', nextDue: '2026-11-10' },
      ADMIN,
      'V0REV1',
    );
    expect(text(saved.json?.view)).toContain('Saved review #3, next due 10 Nov 2026.');
    const status = text((await command(MEMBER, 'status')).json);
    expect(status).toContain('*Overdue*\\n1 management review');
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    // The Done buttons of the list open the done form.
    const list = await command(MEMBER, 'review list');
    expect(Object.keys(buttonsOf(list.json))).toEqual(['Done #3…', 'Done #1…', 'Done #2…']);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButton, clickButtonInView, submitModal } from '../helpers/slack-interactions.ts';
import { slackConversation } from '../helpers/slack-conversation.ts';
import type { startSlackHarness } from '../helpers/start-test-app.ts';
import { FRAUD_SCORER, SLACK_ADMIN, SLACK_MEMBER, SLACK_OWNER, startSlackWorkspace } from '../helpers/workspace-builders.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
type Who = { user: string; name: string };
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
/**
 * What a click may answer the clicker with: a view call, or a message (which a click inside a view
 * must never use). The outbox's refreshes of the channel cards after a change are not answers.
 */
const ANSWERS = new Set(['views.update', 'views.push', 'views.open', 'response_url', 'chat.postEphemeral']);

/** A modal as the person sees it: its id, and the view the bot last put there. */
interface Shown {
  id: string;
  view: Json;
}

/**
 * Clicks a button inside a modal, as Slack sends it (block_actions from a view, no response_url); the
 * answer must be one call on that view: views.update of it (a result) or views.push (a form on top).
 */
async function clickInModal(who: Who, shown: Shown, label: string): Promise<{ method: string; view: Json }> {
  const button = buttonsOf(shown.view)[label];
  expect(button, `button "${label}" in the modal`).toBeDefined();
  const before = slack.slackApi.calls.length;
  const clicked = await clickButtonInView(slack.eventsUrl, button as Json, who, shown);
  expect(clicked.status).toBe(200);
  const answers = slack.slackApi.calls.slice(before).filter((call) => ANSWERS.has(call.method));
  expect(
    answers.map((call) => call.method),
    `"${label}" answered once, on the view`,
  ).toHaveLength(1);
  const [answer] = answers;
  expect(['views.update', 'views.push']).toContain(answer?.method);
  expect(answer?.problems).toEqual([]);
  if (answer?.method === 'views.update') expect(answer.args.view_id).toBe(shown.id);
  if (answer?.method === 'views.push') expect(answer.args.trigger_id).toBe('555.666.trigger');
  return { method: answer?.method ?? '', view: answer?.args.view as Json };
}

/** Submits a modal; returns the result view it was updated to (response_action update). */
async function submitted(who: Who, form: Json, values: Record<string, string>, viewId: string): Promise<Shown> {
  const answer = await submitModal(slack.eventsUrl, form, values, who, viewId);
  expect(answer.json?.response_action, text(answer.json)).toBe('update');
  return { id: viewId, view: answer.json?.view as Json };
}

let systemId = '';

beforeEach(async () => {
  ({ slack } = await startSlackWorkspace(
    { users: { U0OWNER: 'Olivia Owner', U0MEMBER: 'Mia Member' } },
    { system: null, setup: { defaultApprovals: '1' } },
  ));
  const added = await submitted(SLACK_ADMIN, await openModal(SLACK_ADMIN, 'system add'), { ...FRAUD_SCORER }, 'V0SYSADD');
  systemId = String((await sqlOf(slack.app.store).get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id);
  expect(text(added.view)).toContain('Fraud Scorer');
});
afterEach(async () => {
  try {
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
  } finally {
    await slack.close();
  }
});

describe('Slack: every button that can appear in a modal works when clicked there', () => {
  it('the system card shown after adding a system in production: schedule its reviews, Edit, Retire', async () => {
    const form = await openModal(SLACK_ADMIN, 'system add');
    const shown = await submitted(SLACK_ADMIN, form, { ...FRAUD_SCORER, name: 'Churn Model', owner: SLACK_OWNER.user }, 'V0SYS2');
    const offer = 'Create drift and bias reviews (every 90 days)';
    expect(Object.keys(buttonsOf(shown.view))).toEqual(['Edit', 'Retire', offer]);

    const scheduled = await clickInModal(SLACK_ADMIN, shown, offer);
    expect(scheduled.method).toBe('views.update');
    expect(text(scheduled.view)).toContain('Scheduled 2 review(s), every 90 days.');
    expect(
      await sqlOf(slack.app.store).all(
        "SELECT r.kind FROM review_schedules r JOIN ai_systems s ON s.id = r.ai_system_id WHERE s.name = 'Churn Model' ORDER BY r.id",
      ),
    ).toEqual([{ kind: 'drift-review' }, { kind: 'bias-review' }]);
    // The review list it now shows has its own buttons, which work there too.
    const list: Shown = { id: shown.id, view: scheduled.view };
    const done = Object.keys(buttonsOf(list.view)).filter((label) => label.startsWith('Done #'));
    expect(done).toHaveLength(2);
    const doneForm = await clickInModal(SLACK_ADMIN, list, done[0] ?? '');
    expect(doneForm.method).toBe('views.push');
    expect(doneForm.view.callback_id).toBe('aims:form');

    const edit = await clickInModal(SLACK_ADMIN, shown, 'Edit');
    // The form goes on top of the modal clicked in: Cancel goes back to it.
    expect(edit.method).toBe('views.push');
    expect(edit.view.callback_id).toBe('aims:form');
    expect(text(edit.view)).toContain('Churn Model');

    const retired = await clickInModal(SLACK_ADMIN, shown, 'Retire');
    expect(retired.method).toBe('views.update');
    expect(text(retired.view)).toContain('Churn Model is retired.');
  });

  it('the incident card shown after logging and acknowledging an incident: Acknowledge, Comment…, Mitigated, Resolve…', async () => {
    const form = await openModal(SLACK_ADMIN, 'incident Scorer flags every payment');
    const logged = await submitted(
      SLACK_ADMIN,
      form,
      {
        aiSystem: systemId,
        description: 'Since the 20th the scorer flags most payments from one bank.',
        severity: 'S3',
        type: 'model-drift',
        detectedAt: '2026-11-22T08:30:00.000Z',
        affected: 'Customers of one bank.',
      },
      'V0INC',
    );
    expect(Object.keys(buttonsOf(logged.view))).toEqual(['Acknowledge', 'Comment…']);
    const comment = await clickInModal(SLACK_ADMIN, logged, 'Comment…');
    expect(comment.method).toBe('views.push');
    const ack = await clickInModal(SLACK_ADMIN, logged, 'Acknowledge');
    expect(ack.method).toBe('views.push');

    const acknowledged = await submitted(SLACK_ADMIN, ack.view, {}, 'V0ACK');
    expect(text(acknowledged.view)).toContain('INC-1 acknowledged.');
    expect(Object.keys(buttonsOf(acknowledged.view))).toEqual(['Mitigated', 'Resolve…', 'Comment…']);
    // A member may not mitigate: the refusal replaces the modal's content for them alone.
    const refused = await clickInModal(SLACK_MEMBER, acknowledged, 'Mitigated');
    expect(text(refused.view)).toContain('Only the owner of INC-1 or an admin can mitigate it.');
    const mitigated = await clickInModal(SLACK_ADMIN, acknowledged, 'Mitigated');
    expect(mitigated.method).toBe('views.update');
    expect(text(mitigated.view)).toContain('Mitigated');
    expect(await sqlOf(slack.app.store).get('SELECT status FROM incidents WHERE number = 1')).toEqual({ status: 'mitigated' });
    const resolve = await clickInModal(SLACK_ADMIN, { id: acknowledged.id, view: mitigated.view }, 'Resolve…');
    expect(resolve.method).toBe('views.push');
    expect(text(resolve.view)).toContain('Root cause');
  });

  it('the release card shown after requesting sign-off: Approve, Approve with comment…, Reject…, Withdraw', async () => {
    const form = await openModal(SLACK_MEMBER, 'release Fraud Scorer');
    const requested = await submitted(
      SLACK_MEMBER,
      form,
      { version: '2.5.0', changeType: 'retrain', whatChanged: 'Retrained.', risks: 'Few.' },
      'V0REL',
    );
    expect(Object.keys(buttonsOf(requested.view))).toEqual(['Approve', 'Approve with comment…', 'Reject…', 'Withdraw']);
    // The requester may not decide on their own request: told in the modal, nothing recorded.
    for (const label of ['Approve', 'Approve with comment…', 'Reject…']) {
      const refused = await clickInModal(SLACK_MEMBER, requested, label);
      expect(refused.method).toBe('views.update');
      expect(text(refused.view)).toContain('You requested REL-1');
    }
    expect(await sqlOf(slack.app.store).count('release_decisions')).toBe(0);
    const withdrawn = await clickInModal(SLACK_MEMBER, requested, 'Withdraw');
    expect(text(withdrawn.view)).toContain('REL-1 is withdrawn.');
  });
});

describe('Slack: a refused click on a channel card', () => {
  it('answers the clicker ephemerally; the channel message is unchanged (no chat.update, no replace_original for it)', async () => {
    const form = await openModal(SLACK_ADMIN, 'incident Scorer flags every payment');
    await submitted(
      SLACK_ADMIN,
      form,
      {
        aiSystem: systemId,
        description: 'd',
        severity: 'S3',
        type: 'model-drift',
        detectedAt: '2026-11-22T08:30:00.000Z',
        affected: 'a',
      },
      'V0INC',
    );
    const post = calls('chat.postMessage').find((call) => call.args.channel === 'C0INC' && text(call.args.blocks).includes('INC-1 ·'));
    expect(post).toBeDefined();
    const where = { channel: 'C0INC', ts: post?.ts ?? '' };
    // The admin acknowledges from the channel card (its form opens as a modal); the card is updated for everyone.
    await clickButton(slack.eventsUrl, buttonsOf(post?.args).Acknowledge as Json, SLACK_ADMIN, slack.slackApi.responseUrl('ack'), where);
    await submitted(SLACK_ADMIN, calls('views.open').at(-1)?.args.view as Json, {}, 'V0ACK');
    const card = calls('chat.update')
      .filter((call) => call.args.channel === 'C0INC' && call.args.ts === post?.ts)
      .at(-1);
    expect(text(card?.args)).toContain('Acknowledged');
    // The member has used the bot before (meeting someone is an audited change too).
    await command(SLACK_MEMBER, 'status');
    const before = slack.slackApi.calls.length;
    const incidents = async () => await sqlOf(slack.app.store).all('SELECT * FROM incidents ORDER BY id');
    const audit = async () => await sqlOf(slack.app.store).count('audit_events');
    const state = { incidents: await incidents(), audit: await audit() };
    // A member may not mitigate: the click on the card everyone in the channel sees is refused.
    const responseUrl = slack.slackApi.responseUrl('refused-mitigate');
    const clicked = await clickButton(slack.eventsUrl, buttonsOf(card?.args).Mitigated as Json, SLACK_MEMBER, responseUrl, where);
    expect(clicked.status).toBe(200);
    const after = slack.slackApi.calls.slice(before);
    const answers = after.filter((call) => call.method === 'response_url');
    expect(answers).toHaveLength(1);
    expect(answers[0]?.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(text(answers[0]?.args)).toContain('Only the owner of INC-1 or an admin can mitigate it.');
    expect(after.filter((call) => call.method.startsWith('chat.'))).toEqual([]);
    expect({ incidents: await incidents(), audit: await audit() }).toEqual(state);
  });
});

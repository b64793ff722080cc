import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { startSlackWorkspace } from '../../helpers/workspace-builders.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const REQUESTER = { user: 'U0REQ', name: 'rob' };
const APPROVER1 = { user: 'U0APP1', name: 'ann' };
const APPROVER2 = { user: 'U0APP2', name: 'ben' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };

const text = (value: unknown) => JSON.stringify(value ?? null);
/** The section texts and field texts of a message. */
const mrkdwnOf = (payload: unknown): string[] =>
  ((payload as { blocks?: Json[] } | undefined)?.blocks ?? []).flatMap((block) => [
    ...(block.text ? [String((block.text as Json).text)] : []),
    ...((block.fields as Json[] | undefined) ?? []).map((field) => String(field.text)),
  ]);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);
const status = async (id: number) => (await sql().get<{ status: string }>('SELECT status FROM releases WHERE id = ?', id))?.status;

/** The card of REL-n as last posted or updated in the approvals channel. */
function approvalsCard(id: number): Json | undefined {
  return slack.slackApi
    .callsTo('*')
    .filter(
      (call) =>
        (call.method === 'chat.postMessage' || call.method === 'chat.update') &&
        call.args.channel === 'C0APP' &&
        text(call.args.blocks).includes(`REL-${id} ·`),
    )
    .at(-1)?.args;
}

/** Clicks a button on REL-n's card in the approvals channel (a message everyone there sees); returns the answer to the clicker. */
async function click(who: { user: string; name: string }, id: number, label: string): Promise<Json | undefined> {
  const button = buttonsOf(approvalsCard(id))[label];
  expect(button, `${label} on REL-${id}`).toBeDefined();
  const ts =
    calls('chat.postMessage').find((call) => call.args.channel === 'C0APP' && text(call.args.blocks).includes(`REL-${id} ·`))?.ts ?? '';
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${label}`), { channel: 'C0APP', ts });
  return calls('response_url').at(-1)?.args;
}

let criterionIds: string[] = [];

/** `/aims release Fraud Scorer` -> the request form -> submitted with these values. */
async function requestRelease(values: Record<string, string>, viewId: string) {
  const form = await openModal(REQUESTER, 'release Fraud Scorer');
  return await submitModal(slack.eventsUrl, form, values, REQUESTER, viewId);
}

const base = (version: string, recall: string) => ({
  version,
  changeType: 'retrain',
  whatChanged: 'Retrained on October data.',
  [criterionIds[0] ?? '']: recall,
  [criterionIds[1] ?? '']: '0.85',
  evaluationLink: 'https://mlflow.example.com/runs/42',
  risks: 'Slightly lower recall on small banks.',
});

// Each test has its own bot, store and fake Slack: a workspace with an admin, the Fraud Scorer's owner, two approvers and its channels.
beforeEach(async () => {
  ({ slack } = await startSlackWorkspace({ users: { U0REQ: 'Rob Requester', U0APP1: 'Ann Approver', U0APP2: 'Ben Approver' } }));
  await command(ADMIN, 'role grant <@U0APP1> approver');
  await command(ADMIN, 'role grant <@U0APP2> approver');
});
afterEach(async () => {
  await slack.close();
});

/** The Fraud Scorer's two acceptance criteria, as its owner keeps them: recall ≥ 0.92 and precision ≥ 0.8 on holdout-2026. */
async function addCriteria(): Promise<void> {
  await command(OWNER, 'system Fraud Scorer criteria add recall >= 0.92 on holdout-2026');
  await command(OWNER, 'system Fraud Scorer criteria add precision >= 0.8 on holdout-2026');
  criterionIds = await criterionFields();
}

const criterionFields = async () =>
  (await sql().all<{ id: number }>('SELECT id FROM acceptance_criteria ORDER BY id')).map((row) => `criterion.${row.id}`);

/** Two more criteria with value domains: latency_ms ≤ 100 (a duration) and coverage_score ≥ 60 in [0, 100]. */
async function addDomainCriteria(): Promise<[string, string]> {
  await command(OWNER, 'system Fraud Scorer criteria add latency_ms <= 100 on prod');
  await command(OWNER, 'system Fraud Scorer criteria add coverage_score >= 60 on audit range 0..100');
  return (await criterionFields()).slice(-2) as [string, string];
}

/** REL-n approved by both approvers. */
async function approveBoth(id: number): Promise<void> {
  await click(APPROVER1, id, 'Approve');
  await click(APPROVER2, id, 'Approve');
  expect(await status(id)).toBe('approved');
}

describe('acceptance criteria', () => {
  it('the owner keeps the criteria of a system; a member may not change them', async () => {
    expect(text((await command(OWNER, 'system Fraud Scorer criteria add recall >= 0.92 on holdout-2026')).json)).toContain(
      'recall ≥ 0.92 on holdout-2026',
    );
    expect(text((await command(OWNER, 'system Fraud Scorer criteria add precision >= 0.8 on holdout-2026')).json)).toContain(
      'precision ≥ 0.8 on holdout-2026',
    );
    expect(text((await command(MEMBER, 'system Fraud Scorer criteria add latency <= 100 on prod')).json)).toContain(
      'Only the owner of Fraud Scorer or an admin can change its acceptance criteria.',
    );
    expect(text((await command(OWNER, 'system Fraud Scorer criteria add recall = high')).json)).toContain(
      'Write it as: &lt;metric&gt; &gt;= &lt;threshold&gt; on &lt;dataset&gt; [range &lt;min&gt;..&lt;max&gt;].',
    );
    // Slack sends what people type with &, < and > as entities.
    expect(text((await command(OWNER, 'system Fraud Scorer criteria add latency_ms &lt;= 120 on prod-sample')).json)).toContain(
      'latency_ms ≤ 120 on prod-sample',
    );
    expect(text((await command(OWNER, 'system Fraud Scorer criteria remove latency_ms')).json)).toContain(
      'Removed 1 criterion for latency_ms.',
    );
    const events = await sql().count('audit_events', "action = 'criterion.added'");
    expect(events).toBe(3);
    criterionIds = await criterionFields();
  });
});

describe('release sign-off on Slack, end to end', () => {
  beforeEach(addCriteria);

  it('asks for the system first, then a measured value per criterion; bad values and a missing justification are errors at their fields', async () => {
    const pick = await openModal(REQUESTER, 'release');
    const systemId = String((await sql().get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id);
    const next = await submitModal(slack.eventsUrl, pick, { aiSystem: systemId }, REQUESTER, 'V0PICK');
    expect(next.json?.response_action).toBe('update');
    const form = next.json?.view as Json;
    expect(text(form)).toContain('Measured: recall ≥ 0.92 on holdout-2026');
    const bad = await submitModal(slack.eventsUrl, form, { ...base('2.4.0', 'abc') }, REQUESTER, 'V0REQBAD');
    expect(bad.json?.errors).toEqual({ [criterionIds[0] ?? '']: 'Enter the measured value as a number.' });
    const unjustified = await submitModal(slack.eventsUrl, form, { ...base('2.4.0', '0.90') }, REQUESTER, 'V0REQBAD2');
    // FAIL is said at the value that failed, as well as at the justification it calls for.
    expect(unjustified.json?.errors).toEqual({
      [criterionIds[0] ?? '']: 'FAIL: recall on holdout-2026 needs ≥ 0.92. Correct the value, or justify shipping anyway.',
      justification: 'A criterion failed: explain why it should ship anyway.',
    });
    expect(await sql().count('releases')).toBe(0);
  });

  it('requests sign-off with a failed criterion and a justification: the card in the approvals channel shows measured against threshold', async () => {
    const posts = calls('chat.postMessage').length;
    const saved = await requestRelease(
      { ...base('2.4.0', '0.90'), justification: 'Recall dips only on banks we no longer serve.' },
      'V0REQ1',
    );
    expect(text(saved.json?.view)).toContain(
      'Requested REL-1. Posted to #ai-approvals for sign-off: https://acme.slack.test/archives/C0APP/',
    );
    const posted = calls('chat.postMessage').slice(posts);
    // The requester's own copy is a direct message that stays up to date (the modal closes).
    expect(posted.map((call) => call.args.channel)).toEqual(['C0APP', 'U0REQ']);
    expect(posted[0]?.problems).toEqual([]);
    const card = text(posted[0]?.args);
    // Red for the criterion that failed, green for the one that passed, amber while sign-off is pending.
    expect(card).toContain('🔴 *FAIL* recall on holdout-2026: measured 0.9, needs ≥ 0.92');
    expect(card).toContain('🟢 *PASS* precision on holdout-2026: measured 0.85, needs ≥ 0.8');
    expect(card).toContain('*Status*\\n🟠 Pending sign-off');
    // The approvers it asks are @mentioned (never the requester).
    expect(
      mrkdwnOf(posted[0]?.args)
        .find((t) => t.startsWith('*Waiting on*'))
        ?.split('\n')[1]
        ?.split(', ')
        .sort(),
    ).toEqual(['<@U0APP1>', '<@U0APP2>']);
    expect(card).toContain('0 of 2');
    expect(Object.keys(buttonsOf(posted[0]?.args))).toEqual(['Approve', 'Approve with comment…', 'Reject…', 'Withdraw']);
    // Through the outbox: queued with the request, then sent.
    expect(await sql().all("SELECT kind, target, status FROM outbox_messages WHERE subject = 'release:1' ORDER BY id")).toEqual([
      { kind: 'post', target: 'approvals', status: 'sent' },
      { kind: 'direct', target: expect.any(String), status: 'sent' },
    ]);
  });

  it('approver 1 approves; the requester’s own approval, a non-approver’s and a second click are refused or counted once; approver 2 approves and it is final', async () => {
    await requestRelease({ ...base('2.4.0', '0.90'), justification: 'Recall dips only on banks we no longer serve.' }, 'V0REQ1');
    expect(text(await click(APPROVER1, 1, 'Approve'))).toContain('Your approval is recorded.');
    expect(text(approvalsCard(1))).toContain('1 of 2 (Ann Approver)');

    // The member has used the bot before (so meeting her records nothing now).
    await command(MEMBER, 'release REL-1');
    const events = await sql().count('audit_events');
    const own = await click(REQUESTER, 1, 'Approve');
    expect(text(own)).toContain('You requested REL-1, so you cannot approve it: someone else must.');
    // Told to the requester alone: the card in the channel keeps its buttons for the approvers.
    expect(own).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(text(await click(MEMBER, 1, 'Approve'))).toContain(
      'Only approvers can approve releases. Approvers: Ann Approver, Ben Approver.',
    );
    expect(text(await click(APPROVER1, 1, 'Approve'))).toContain('You already decided on REL-1; it counts once.');
    expect(await sql().count('audit_events')).toBe(events);
    expect(await status(1)).toBe('pending');

    const dms = calls('chat.postMessage').filter((call) => call.args.channel === 'U0REQ').length;
    expect(text(await click(APPROVER2, 1, 'Approve'))).toContain('REL-1 is approved.');
    expect(await status(1)).toBe('approved');
    const final = approvalsCard(1);
    expect(text(final)).toContain('2 of 2 (Ann Approver, Ben Approver)');
    expect(Object.keys(buttonsOf(final))).toEqual([]);
    const dm = calls('chat.postMessage').filter((call) => call.args.channel === 'U0REQ');
    expect(dm.length).toBe(dms + 1);
    expect(text(dm.at(-1)?.args)).toContain('Your request REL-1 was approved.');
    expect(
      await sql().all("SELECT status FROM outbox_messages WHERE subject = 'release:1' AND kind = 'direct' AND detail = 'release.decided'"),
    ).toEqual([{ status: 'sent' }]);
    // Each approval recorded the content hash it saw.
    const hashes = await sql().all(
      'SELECT d.content_hash = r.content_hash AS same FROM release_decisions d JOIN releases r ON r.id = d.release_id WHERE r.id = 1',
    );
    expect(hashes).toEqual([{ same: 1 }, { same: 1 }]);
  });

  it('a click after the decision is refused; the released version cannot be requested again', async () => {
    await requestRelease({ ...base('2.4.0', '0.90'), justification: 'Recall dips only on banks we no longer serve.' }, 'V0REQ1');
    await approveBoth(1);
    await clickButton(
      slack.eventsUrl,
      { action_id: 'aims:release.approve:0', value: JSON.stringify({ release: '1' }), text: { type: 'plain_text', text: 'Approve' } },
      APPROVER1,
      slack.slackApi.responseUrl('late'),
    );
    expect(text(calls('response_url').at(-1)?.args)).toContain('REL-1 was already approved; the decision is final.');
    const again = await requestRelease({ ...base('2.4.0', '0.95') }, 'V0REQ-DUP');
    expect(again.json?.errors).toEqual({ version: 'Fraud Scorer 2.4.0 was already released.' });
  });

  it('rejects with a reason (required), and the requester is told', async () => {
    await requestRelease({ ...base('2.5.0', '0.95') }, 'V0REQ2');
    await click(APPROVER1, 1, 'Reject…');
    const form = calls('views.open').at(-1)?.args.view as Json;
    expect(text(form)).toContain('Why do you reject it?');
    const empty = await submitModal(slack.eventsUrl, form, { reason: ' ' }, APPROVER1, 'V0REJ');
    expect(empty.json?.errors).toEqual({ reason: 'Say why you reject it.' });
    const rejected = await submitModal(slack.eventsUrl, form, { reason: 'Evaluation set is stale.' }, APPROVER1, 'V0REJ');
    expect(text(rejected.json?.view)).toContain('REL-1 is rejected.');
    expect(await status(1)).toBe('rejected');
    expect(
      text(
        calls('chat.postMessage')
          .filter((call) => call.args.channel === 'U0REQ')
          .at(-1)?.args,
      ),
    ).toContain('Your request REL-1 was rejected.');
  });

  it('the requester withdraws a pending request; nobody else can', async () => {
    await requestRelease({ ...base('2.6.0', '0.95') }, 'V0REQ3');
    expect(text(await click(APPROVER1, 1, 'Withdraw'))).toContain('Only the requester can withdraw a release request.');
    expect(text(await click(REQUESTER, 1, 'Withdraw'))).toContain('REL-1 is withdrawn.');
    expect(await status(1)).toBe('withdrawn');
  });

  it('editing a pending request drops the approvals given, and the approvers are told', async () => {
    await requestRelease({ ...base('2.7.0', '0.95') }, 'V0REQ4');
    const staleApprove = buttonsOf(approvalsCard(1)).Approve as Json;
    await click(APPROVER1, 1, 'Approve');
    const form = await openModal(REQUESTER, 'release REL-1 edit');
    expect(text(form)).toContain('"initial_value":"2.7.0"');
    const dms = calls('chat.postMessage').filter((call) => call.args.channel === 'U0APP1').length;
    const saved = await submitModal(slack.eventsUrl, form, { [criterionIds[0] ?? '']: '0.96' }, REQUESTER, 'V0EDIT4');
    expect(text(saved.json?.view)).toContain('Saved REL-1. 1 approval(s) were dropped. The approvers were told.');
    expect(text(approvalsCard(1))).toContain('0 of 2');
    expect(text(approvalsCard(1))).toContain('(dropped by an edit)');
    const told = calls('chat.postMessage').filter((call) => call.args.channel === 'U0APP1');
    expect(told.length).toBe(dms + 1);
    expect(text(told.at(-1)?.args)).toContain('REL-1 was edited, so your approval was dropped.');
    // A card of the version before the edit cannot approve the edited one.
    await clickButton(slack.eventsUrl, staleApprove, APPROVER2, slack.slackApi.responseUrl('stale-approve'));
    expect(text(calls('response_url').at(-1)?.args)).toContain('REL-1 was edited since you saw it.');
    expect(text(approvalsCard(1))).toContain('0 of 2');
  });

  it('lists releases by status and system, and the audit chain verifies', async () => {
    // REL-1 approved, REL-2 rejected, REL-3 withdrawn, REL-4 pending.
    await requestRelease({ ...base('2.4.0', '0.90'), justification: 'Recall dips only on banks we no longer serve.' }, 'V0REQ1');
    await approveBoth(1);
    await requestRelease({ ...base('2.5.0', '0.95') }, 'V0REQ2');
    await click(APPROVER1, 2, 'Reject…');
    await submitModal(
      slack.eventsUrl,
      calls('views.open').at(-1)?.args.view as Json,
      { reason: 'Evaluation set is stale.' },
      APPROVER1,
      'V0REJ',
    );
    expect(await status(2)).toBe('rejected');
    await requestRelease({ ...base('2.6.0', '0.95') }, 'V0REQ3');
    await click(REQUESTER, 3, 'Withdraw');
    expect(await status(3)).toBe('withdrawn');
    await requestRelease({ ...base('2.7.0', '0.95') }, 'V0REQ4');
    expect(text((await command(MEMBER, 'release list pending')).json)).toContain('REL-4');
    expect(text((await command(MEMBER, 'release list approved')).json)).not.toContain('REL-4');
    expect(text((await command(MEMBER, 'release list fraud scorer')).json)).toContain('4 in all.');
    expect(text((await command(MEMBER, 'release REL-1')).json)).toContain('REL-1 · Fraud Scorer 2.4.0');
    const forApprover = text((await command(APPROVER2, 'status')).json);
    expect(forApprover).toContain('*Pending (1)*\\nREL-4 Fraud Scorer 2.7.0, under an hour');
    expect(forApprover).toContain('*Last 30 days*\\n1 approved, 1 rejected');
    expect(forApprover).toContain('*Waiting on your approval*\\n1');
    expect(text((await command(MEMBER, 'status')).json)).not.toContain('Waiting on your approval');
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('measured values outside their domain are errors at the field: recall 42 (a rate), latency -5 (a duration); declared bounds hold too', async () => {
    expect(text((await command(OWNER, 'system Fraud Scorer criteria add latency_ms <= 100 on prod')).json)).toContain(
      'latency_ms ≤ 100 on prod · values a duration, at least 0',
    );
    expect(text((await command(OWNER, 'system Fraud Scorer criteria add coverage_score >= 60 on audit range 0..100')).json)).toContain(
      'coverage_score ≥ 60 on audit · values in [0, 100]',
    );
    expect(text((await command(OWNER, 'system Fraud Scorer criteria add f1 >= 1.5 on holdout-2026')).json)).toContain(
      'The threshold 1.5 is outside the values f1 can take (a rate in [0, 1])',
    );
    const [latency, coverage] = (await criterionFields()).slice(-2) as [string, string];
    const form = await openModal(REQUESTER, 'release Fraud Scorer');
    expect(text(form)).toContain('Must be a rate in [0, 1].');
    const bad = await submitModal(
      slack.eventsUrl,
      form,
      { ...base('2.9.0', '42'), [latency]: '-5', [coverage]: '250' },
      REQUESTER,
      'V0DOMAIN',
    );
    expect(bad.json?.errors).toEqual({
      [criterionIds[0] ?? '']: '42 is not a possible recall: it must be a rate in [0, 1].',
      [latency]: '-5 is not a possible latency_ms: it must be a duration, at least 0.',
      [coverage]: '250 is not a possible coverage_score: it must be in [0, 100].',
    });
    expect(await sql().count('releases', "version = '2.9.0'")).toBe(0);
  });

  it('one value per criterion: a second recall among the other metrics is an error at that field, never silently dropped', async () => {
    const [latency, coverage] = await addDomainCriteria();
    const form = await openModal(REQUESTER, 'release Fraud Scorer');
    const twice = await submitModal(
      slack.eventsUrl,
      form,
      { ...base('2.9.0', '0.95'), [latency]: '80', [coverage]: '70', extraMetrics: 'recall on holdout-2026 = 0.41' },
      REQUESTER,
      'V0TWICE',
    );
    expect(twice.json?.errors).toEqual({ extraMetrics: 'A second value for recall on holdout-2026: give one value per criterion.' });
    expect(await sql().count('releases', "version = '2.9.0'")).toBe(0);
  });

  it('a version differing only by invisible characters is the same version; saving an edit with no change keeps the approvals', async () => {
    const [latency, coverage] = await addDomainCriteria();
    const values = { ...base('3.0.0', '0.95'), [latency]: '80', [coverage]: '70' };
    const saved = await requestRelease(values, 'V0REQ5');
    expect(text(saved.json?.view)).toContain('Requested REL-1.');
    const twin = await requestRelease({ ...values, version: '3.0.0\u200b\u202e' }, 'V0REQ5TWIN');
    expect(twin.json?.errors).toEqual({ version: 'Fraud Scorer 3.0.0 already has a pending request (REL-1).' });
    await click(APPROVER1, 1, 'Approve');
    expect(text(approvalsCard(1))).toContain('1 of 2');
    const row = async () =>
      await sql().get(
        "SELECT content_hash AS hash, (SELECT count(*) FROM release_decisions WHERE release_id = 1 AND active) AS active, (SELECT count(*) FROM audit_events WHERE subject = 'release:1') AS events FROM releases WHERE id = 1",
      );
    const before = await row();
    const form = await openModal(REQUESTER, 'release REL-1 edit');
    const same = await submitModal(slack.eventsUrl, form, {}, REQUESTER, 'V0EDIT5');
    expect(text(same.json?.view)).toContain('Nothing changed: REL-1 keeps its approvals.');
    expect(await row()).toEqual(before);
    expect(text(approvalsCard(1))).toContain('1 of 2');
    // The approval still counts: a second approver makes it final.
    await click(APPROVER2, 1, 'Approve');
    expect(await status(1)).toBe('approved');
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    // The state tables agree with the chain after real flows (the cross-checks of aims audit verify).
    expect((await slack.app.store.auditReport()).disagreements).toEqual([]);
  });
});

describe('the requester’s own copy on Slack', () => {
  it('is a direct message from the bot that shows approved, not “Pending 0 of 2”, once the approvers decided', async () => {
    await requestRelease({ ...base('2.4.0', '0.90'), justification: 'Recall dips only on banks we no longer serve.' }, 'V0REQ1');
    const copy = calls('chat.postMessage').find((call) => call.args.channel === 'U0REQ');
    expect(text(copy?.args.blocks)).toContain('You requested REL-1. This copy stays up to date.');
    expect(text(copy?.args.blocks)).toContain('0 of 2');
    // The requester can only withdraw: approving their own request would be refused.
    expect(Object.keys(buttonsOf(copy?.args))).toEqual(['Withdraw']);
    await click(APPROVER1, 1, 'Approve');
    expect(text(await click(APPROVER2, 1, 'Approve'))).toContain('REL-1 is approved. The requester was told.');
    const refreshed = calls('chat.update')
      .filter((call) => call.args.channel === 'U0REQ' && call.args.ts === copy?.ts)
      .at(-1);
    expect(text(refreshed?.args.blocks)).toContain('Your request REL-1 was approved.');
    expect(text(refreshed?.args.blocks)).toContain('2 of 2');
    expect(text(refreshed?.args.blocks)).not.toContain('0 of 2');
    expect(buttonsOf(refreshed?.args)).toEqual({});
    // The decision's notice says so in one line: the chat does not show the same card twice.
    const notices = calls('chat.postMessage').filter((call) => call.args.channel === 'U0REQ' && call.ts !== copy?.ts);
    expect(notices.map((call) => text(call.args.blocks))).toEqual([
      expect.stringContaining('Your request REL-1 was approved. Your copy of the request above shows the decision.'),
    ]);
    expect(text(notices[0]?.args.blocks)).not.toContain('2 of 2');
  });
});

describe('release cards on Slack are scannable', () => {
  beforeEach(addCriteria);

  it('the evaluation link is clickable, and each row of the release list opens its card', async () => {
    await requestRelease({ ...base('2.4.0', '0.95') }, 'V0REQLINK');
    const posted = calls('chat.postMessage').find((call) => call.args.channel === 'C0APP');
    expect(mrkdwnOf(posted?.args)).toContain('*Evaluation run*\n<https://mlflow.example.com/runs/42|https://mlflow.example.com/runs/42>');
    const list = (await command(REQUESTER, 'release list')).json as Json;
    expect(mrkdwnOf(list).find((t) => t.includes('REL-1'))).toContain('2.4.0 · 🟠 Pending sign-off');
    await clickButton(slack.eventsUrl, buttonsOf(list).Open as Json, REQUESTER, slack.slackApi.responseUrl('open-rel1'));
    const shown = calls('response_url').at(-1)?.args as Json;
    expect(text(shown.blocks)).toContain('REL-1 · Fraud Scorer 2.4.0');
    expect(Object.keys(buttonsOf(shown))).toEqual(['Approve', 'Approve with comment…', 'Reject…', 'Withdraw']);
  });
});

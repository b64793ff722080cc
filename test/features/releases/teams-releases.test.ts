import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cardInputs,
  cardOf,
  executeActions,
  fillCard,
  fillDialog,
  submitActions,
  teamsInvoke,
} from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { startTeamsWorkspace, TEAMS_CHANNELS } from '../../helpers/workspace-builders.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
let teams: Harness;
const { say, click, dialog } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const REQUESTER = { user: 'aad-req', name: 'Rob Requester' };
const APPROVER1 = { user: 'aad-app1', name: 'Ann Approver' };
const APPROVER2 = { user: 'aad-app2', name: 'Ben Approver' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const APPROVALS = '19%3Aapprovals%40thread.tacv2';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);
const status = async (id: number) => (await sql().get<{ status: string }>('SELECT status FROM releases WHERE id = ?', id))?.status;

function approvalsCard(id: number): Card | undefined {
  return cardOf(
    teams.connector.activities
      .filter((entry) => entry.path.startsWith(`/v3/conversations/${APPROVALS}/activities`) && text(entry.activity).includes(`REL-${id} ·`))
      .at(-1)?.activity,
  );
}

/** REL-n's card in the approvals channel: that message, by the id the connector gave its post. */
function approvalsPost(id: number) {
  const post = teams.connector.activities.find(
    (entry) =>
      entry.method === 'POST' && entry.path === `/v3/conversations/${APPROVALS}/activities` && text(entry.activity).includes(`REL-${id} ·`),
  );
  return { conversationId: '19:approvals@thread.tacv2', activityId: post?.id ?? '' };
}

/** Opens the dialog of a button on REL-n's card in the approvals channel; returns the card it shows. */
async function openDialog(who: { user: string; name: string }, id: number, label: string): Promise<Card> {
  const data = submitActions(approvalsCard(id))[label];
  expect(data, `"${label}" opens a dialog`).toBeDefined();
  const opened = await dialog(who, 'task/fetch', data as Record<string, unknown>, approvalsPost(id));
  if (opened.type !== 'continue') throw new Error(`"${label}" answered "${opened.text}" instead of a dialog`);
  return opened.card;
}

/** Submits a dialog; returns the line that closed it (or the card redrawn). */
async function submitDialog(who: { user: string; name: string }, id: number, card: Card, title: string, values: Record<string, string>) {
  const answer = await dialog(who, 'task/submit', fillDialog(card, title, values), approvalsPost(id));
  return answer.type === 'message' ? answer.text : answer.card;
}

async function request(version: string, recall: string, extra: Record<string, string> = {}): Promise<Card> {
  const pick = await say(REQUESTER, 'aims release');
  const systemId = String((await sql().get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id);
  const form = await click(REQUESTER, fillCard(pick, 'Next', { aiSystem: systemId }));
  const criterion = Object.keys(cardInputs(form)).find((id) => id.startsWith('criterion.')) ?? '';
  return await click(
    REQUESTER,
    fillCard(form, 'Request sign-off', {
      version,
      changeType: 'retrain',
      whatChanged: 'Retrained.',
      [criterion]: recall,
      risks: 'Few.',
      ...extra,
    }),
  );
}

// Each test has its own bot, store and fake connector: a workspace with an admin who owns the Fraud Scorer
// (recall ≥ 0.92 on holdout), two approvers, a requester and a member, and its approvals channel.
beforeEach(async () => {
  ({ teams } = await startTeamsWorkspace(
    { '29:app1': { name: 'Ann Approver', aadObjectId: 'aad-app1' }, '29:app2': { name: 'Ben Approver', aadObjectId: 'aad-app2' } },
    {
      // Everyone says hello in their personal chat (where the decision DMs reach them).
      people: [REQUESTER, APPROVER1, APPROVER2, MEMBER],
      channels: { approvals: TEAMS_CHANNELS.approvals },
      system: { description: 'd', purpose: 'p', owner: 'aad-admin' },
    },
  ));
  // Teams may send what people typed as HTML.
  expect(text(await say(ADMIN, 'aims system Fraud Scorer criteria add recall &gt;= 0.92 on holdout'))).toContain(
    'recall ≥ 0.92 on holdout',
  );
  await say(ADMIN, 'aims role grant <at>Ann Approver</at> approver', { mentions: [{ id: '29:app1', name: 'Ann Approver' }] });
  await say(ADMIN, 'aims role grant <at>Ben Approver</at> approver', { mentions: [{ id: '29:app2', name: 'Ben Approver' }] });
});
afterEach(async () => {
  await teams.close();
});

describe('release sign-off on Teams, end to end', () => {
  it('requests with a failed criterion: the justification is required, then the card is posted to the approvals channel', async () => {
    const refused = await request('2.4.0', '0.90');
    expect(text(refused)).toContain('A criterion failed: explain why it should ship anyway.');
    // FAIL is also said at the measured value itself, in red, right under its input.
    const body = refused.body as Array<{ type: string; id?: string }>;
    const measured = body.findIndex((element) => element.id?.startsWith('criterion.'));
    expect(body[measured + 1]).toEqual({
      type: 'RichTextBlock',
      inlines: [
        {
          type: 'TextRun',
          text: 'FAIL: recall on holdout needs ≥ 0.92. Correct the value, or justify shipping anyway.',
          color: 'Attention',
          size: 'Small',
        },
      ],
    });
    const done = await request('2.4.0', '0.90', { justification: 'Only small banks are affected.' });
    expect(text(done)).toContain('Requested REL-1. Posted to the approvals channel for sign-off.');
    const card = approvalsCard(1);
    expect(text(card)).toContain('{"type":"TextRun","text":"FAIL","weight":"Bolder","color":"Attention"}');
    expect(text(card)).toContain('{"type":"TextRun","text":"Pending sign-off","color":"Warning"}');
    // The approvers it asks are @mentioned, with the entities Teams needs.
    expect(
      ((card?.msteams as { entities?: Array<{ mentioned: { id: string } }> }).entities ?? []).map((e) => e.mentioned.id).sort(),
    ).toEqual(['aad-app1', 'aad-app2']);
    // Approve acts in place; the buttons that ask for input or a confirmation open a dialog.
    expect(Object.keys(executeActions(card))).toEqual(['Approve']);
    expect(Object.keys(submitActions(card))).toEqual(['Approve with comment…', 'Reject…', 'Withdraw']);
    // Through the outbox: queued with the request, then sent.
    expect(await sql().all("SELECT kind, target, status FROM outbox_messages WHERE subject = 'release:1' ORDER BY id")).toEqual([
      { kind: 'post', target: 'approvals', status: 'sent' },
      // This invoke names no card it came from: the requester's own live copy is a direct message.
      { kind: 'direct', target: expect.any(String), status: 'sent' },
    ]);
  });

  it('N-of-M with segregation of duties: approver 1, then refusals, then approver 2 approves; the card is final and the requester told in their personal chat', async () => {
    await request('2.4.0', '0.90', { justification: 'Only small banks are affected.' });
    expect(text(await click(APPROVER1, executeActions(approvalsCard(1)).Approve as never))).toContain('Your approval is recorded.');
    expect(text(approvalsCard(1))).toContain('1 of 2 (Ann Approver)');
    expect(text(await click(REQUESTER, executeActions(approvalsCard(1)).Approve as never))).toContain(
      'You requested REL-1, so you cannot approve it',
    );
    expect(text(await click(MEMBER, executeActions(approvalsCard(1)).Approve as never))).toContain('Only approvers can approve releases.');
    expect(text(await click(APPROVER1, executeActions(approvalsCard(1)).Approve as never))).toContain('it counts once');
    const dms = teams.connector.activities.filter(
      (entry) => entry.path.startsWith('/v3/conversations/conv-personal-aad-req/activities') && entry.method === 'POST',
    ).length;
    expect(text(await click(APPROVER2, executeActions(approvalsCard(1)).Approve as never))).toContain('REL-1 is approved.');
    expect(await status(1)).toBe('approved');
    expect(Object.keys(executeActions(approvalsCard(1)))).toEqual([]);
    const told = teams.connector.activities.filter(
      (entry) => entry.path.startsWith('/v3/conversations/conv-personal-aad-req/activities') && entry.method === 'POST',
    );
    expect(told.length).toBe(dms + 1);
    expect(text(told.at(-1)?.activity)).toContain('Your request REL-1 was approved.');
  });

  it('rejects with a reason, withdraws, and an edit drops approvals', async () => {
    await request('2.5.0', '0.95');
    const reasonForm = await openDialog(APPROVER1, 1, 'Reject…');
    expect(await submitDialog(APPROVER1, 1, reasonForm, 'Reject', { reason: 'Stale evaluation set.' })).toBe(
      'REL-1 is rejected. The requester was told.',
    );
    expect(await status(1)).toBe('rejected');

    await request('2.6.0', '0.95');
    const confirm = await openDialog(REQUESTER, 2, 'Withdraw');
    expect(text(confirm)).toContain('Withdraw this request?');
    expect(await submitDialog(REQUESTER, 2, confirm, 'Withdraw', {})).toBe('REL-2 is withdrawn.');
    expect(text(approvalsCard(2))).toContain('Withdrawn');

    await request('2.7.0', '0.95');
    await click(APPROVER1, executeActions(approvalsCard(3)).Approve as never);
    const edit = await say(REQUESTER, 'aims release REL-3 edit');
    expect(cardInputs(edit).version).toBe('2.7.0');
    const criterion = Object.keys(cardInputs(edit)).find((id) => id.startsWith('criterion.')) ?? '';
    expect(text(await click(REQUESTER, fillCard(edit, 'Save', { [criterion]: '0.97' })))).toContain(
      '1 approval(s) were dropped. The approvers were told.',
    );
    expect(text(approvalsCard(3))).toContain('0 of 2');
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
    // The state tables agree with the chain after real flows (the cross-checks of aims audit verify).
    expect((await teams.app.store.auditReport()).disagreements).toEqual([]);
  });

  it('a recall of 42 and a negative latency are errors at their fields; a second recall is an error, never dropped', async () => {
    const releases = async () => await sql().count('releases');
    const before = await releases();
    expect(text(await request('2.8.0', '42'))).toContain('42 is not a possible recall: it must be a rate in [0, 1].');
    expect(text(await request('2.8.0', '0.95', { extraMetrics: 'latency_p95 on prod = -5' }))).toContain(
      '-5 is not a possible latency_p95: it must be a duration, at least 0.',
    );
    expect(text(await request('2.8.0', '0.95', { extraMetrics: 'recall on holdout = 0.40' }))).toContain(
      'A second value for recall on holdout: give one value per criterion.',
    );
    expect(await releases()).toEqual(before);
  });

  it('the card bullets each metric once; metrics with no criterion are listed apart from the acceptance criteria', async () => {
    await request('3.0.0', '0.95', { extraMetrics: 'f1 on holdout = 0.81' });
    type Element = { type: string; inlines?: Array<{ text: string }>; text?: string; items?: Element[] };
    // The card's text lines in order, a list's lines (in its Container) each on its own.
    const lines = (card: Card | undefined): string[] =>
      ((card?.body ?? []) as Element[]).flatMap((element) =>
        element.type === 'Container'
          ? (element.items ?? []).map((item) => item.inlines?.map((inline) => inline.text).join('') ?? '')
          : element.type === 'RichTextBlock' || element.type === 'TextBlock'
            ? [element.inlines?.map((inline) => inline.text).join('') ?? element.text ?? '']
            : [],
      );
    const shown = lines(approvalsCard(1));
    expect(shown).not.toContainEqual(expect.stringContaining('• •'));
    const criteria = shown.indexOf('Acceptance criteria');
    const others = shown.indexOf('Other metrics reported (no criterion)');
    expect(shown[criteria + 1]).toBe('• PASS recall on holdout: measured 0.95, needs ≥ 0.92');
    expect(others).toBe(criteria + 2);
    expect(shown[others + 1]).toBe('• f1 on holdout: 0.81');

    // With no criterion left, the card says so under "Acceptance criteria" and still lists the metric below it.
    expect(text(await say(ADMIN, 'aims system Fraud Scorer criteria remove recall'))).not.toContain('no criterion');
    const pick = await say(REQUESTER, 'aims release');
    const systemId = String((await sql().get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id);
    const form = await click(REQUESTER, fillCard(pick, 'Next', { aiSystem: systemId }));
    await click(
      REQUESTER,
      fillCard(form, 'Request sign-off', {
        version: '3.1.0',
        changeType: 'retrain',
        whatChanged: 'Retrained.',
        risks: 'Few.',
        extraMetrics: 'recall on holdout = 0.95',
      }),
    );
    const bare = lines(approvalsCard(2));
    expect(bare[bare.indexOf('Acceptance criteria') + 1]).toBe('No acceptance criteria are set for this system.');
    expect(bare[bare.indexOf('Other metrics reported (no criterion)') + 1]).toBe('• recall on holdout: 0.95');
  });

  it('saving an edit with no change keeps the approvals (no new content hash, no audit event)', async () => {
    await request('2.9.0', '0.95');
    // A version differing only by zero-width or bidi characters is the same version.
    expect(text(await request('2.9.0\u200b\u202e', '0.95'))).toContain('Fraud Scorer 2.9.0 already has a pending request (REL-1).');
    await click(APPROVER1, executeActions(approvalsCard(1)).Approve as never);
    const row = async () =>
      await sql().get(
        "SELECT content_hash AS hash, (SELECT count(*) FROM release_decisions WHERE release_id = 1 AND active) AS active, (SELECT count(*) FROM audit_events WHERE subject = 'release:1') AS events FROM releases WHERE id = 1",
      );
    const before = await row();
    const edit = await say(REQUESTER, 'aims release REL-1 edit');
    expect(text(await click(REQUESTER, fillCard(edit, 'Save', {})))).toContain('Nothing changed: REL-1 keeps its approvals.');
    expect(await row()).toEqual(before);
    expect(text(approvalsCard(1))).toContain('1 of 2');
  });
});

describe('Teams: a click or form of another tenant never reaches this tenant’s release', () => {
  const OUTSIDER = { user: 'aad-admin', name: 'Alice Elsewhere', tenant: 'tenant-2' };
  const decisions = async () => await sql().count('release_decisions', 'release_id = 1');

  it('an Approve click, a reject form and a channel-card click carrying REL-1 from tenant-2 change nothing and show nothing of it', async () => {
    // Tenant-1's REL-1 is pending with one approval.
    await request('2.9.0', '0.95');
    await click(APPROVER1, executeActions(approvalsCard(1)).Approve as never);
    await say(OUTSIDER, 'aims status', { tenant: 'tenant-2' });
    const before = { decisions: await decisions(), status: await status(1) };
    const approve = executeActions(approvalsCard(1)).Approve as never;
    const clicked = text(await click(OUTSIDER, approve));
    expect(clicked).not.toContain('2.9.0');
    const rejected = text(
      await click(OUTSIDER, {
        verb: 'aims.submit',
        data: { aims: { form: 'release.reject', context: { release: '1' }, formId: 'forged-1' }, reason: 'Not ours to decide.' },
      }),
    );
    expect(rejected).not.toContain('2.9.0');
    // The same click as Teams would send it from the card in tenant-1's approvals channel, but saying tenant-2.
    const post = await sql().get<{ channelId: string; messageId: string }>(
      `SELECT channel_id AS "channelId", message_id AS "messageId" FROM posted_messages WHERE subject = 'release:1' AND purpose = 'approvals'`,
    );
    const forged = teamsInvoke(teams.connector.serviceUrl, approve, OUTSIDER);
    const response = await teams.post({
      ...forged,
      conversation: { id: `${post?.channelId};messageid=${post?.messageId}`, conversationType: 'channel', tenantId: 'tenant-2' },
      replyToId: post?.messageId,
    });
    expect(response.status).toBe(200);
    expect(text(await response.json())).toContain('This card belongs to another workspace');
    const reject = {
      verb: 'aims.submit',
      data: { aims: { form: 'release.reject', context: { release: '1' }, formId: 'forged-2' }, reason: 'Not ours to decide.' },
    };
    const submitted = await teams.post({
      ...teamsInvoke(teams.connector.serviceUrl, reject, OUTSIDER),
      conversation: { id: `${post?.channelId};messageid=${post?.messageId}`, conversationType: 'channel', tenantId: 'tenant-2' },
      replyToId: post?.messageId,
    });
    expect(text(await submitted.json())).toContain('This card belongs to another workspace');
    expect({ decisions: await decisions(), status: await status(1) }).toEqual(before);
  });
});

describe('the requester’s own copy on Teams', () => {
  it('the card the request form became in the requester’s personal chat shows approved, not “Pending 0 of 2”, after the approvals', async () => {
    const before = teams.connector.activities.length;
    const pick = await say(REQUESTER, 'aims release');
    const cardId = teams.connector.activities.slice(before).find((entry) => entry.path.includes('conv-personal-aad-req'))?.id ?? '';
    const systemId = String((await sql().get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id);
    // Every step of the form happens in place on the same message, which Teams names in replyToId.
    const form = await click(REQUESTER, fillCard(pick, 'Next', { aiSystem: systemId }), { replyToId: cardId });
    const criterion = Object.keys(cardInputs(form)).find((id) => id.startsWith('criterion.')) ?? '';
    const requested = await click(
      REQUESTER,
      fillCard(form, 'Request sign-off', {
        version: '2.4.0',
        changeType: 'retrain',
        whatChanged: 'Retrained.',
        [criterion]: '0.95',
        risks: 'Few.',
      }),
      { replyToId: cardId },
    );
    expect(text(requested)).toContain('Requested REL-1.');
    expect(text(requested)).toContain('0 of 2');

    await click(APPROVER1, executeActions(approvalsCard(1)).Approve as never);
    const decided = await click(APPROVER2, executeActions(approvalsCard(1)).Approve as never);
    expect(text(decided)).toContain('REL-1 is approved. The requester was told.');
    expect(await status(1)).toBe('approved');
    const updates = teams.connector.activities.filter(
      (entry) => entry.method === 'PUT' && entry.path === `/v3/conversations/conv-personal-aad-req/activities/${cardId}`,
    );
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.flatMap((entry) => entry.problems)).toEqual([]);
    const copy = cardOf(updates.at(-1)?.activity);
    expect(text(copy)).toContain('Your request REL-1 was approved.');
    expect(text(copy)).toContain('2 of 2');
    expect(text(copy)).not.toContain('0 of 2');
    expect(executeActions(copy)).toEqual({});
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardInputs, cardOf, executeActions, fillCard, fillDialog, submitActions } from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { startTeamsWorkspace, TEAMS_CHANNELS } from '../../helpers/workspace-builders.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
let teams: Harness;
let systemId = '';
const { say, click, dialog } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
const APPROVER1 = { user: 'aad-app1', name: 'Ann Approver' };
const APPROVER2 = { user: 'aad-app2', name: 'Ben Approver' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const APPROVALS = '19%3Aapprovals%40thread.tacv2';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);
const riskRow = async (number: number) =>
  await sql().get<{ inherent: string; residual: string; acceptance: string }>(
    'SELECT inherent_level AS inherent, residual_level AS residual, acceptance FROM risks WHERE number = ?',
    number,
  );

function approvalsCard(number: number): Card | undefined {
  return cardOf(
    teams.connector.activities
      .filter(
        (entry) => entry.path.startsWith(`/v3/conversations/${APPROVALS}/activities`) && text(entry.activity).includes(`R-${number} ·`),
      )
      .at(-1)?.activity,
  );
}

/** R-n's card in the approvals channel: that message, by the id the connector gave its post. */
function approvalsPost(number: number) {
  const post = teams.connector.activities.find(
    (entry) =>
      entry.method === 'POST' &&
      entry.path === `/v3/conversations/${APPROVALS}/activities` &&
      text(entry.activity).includes(`R-${number} ·`),
  );
  return { conversationId: '19:approvals@thread.tacv2', activityId: post?.id ?? '' };
}

const treated = () => ({
  title: 'Thin-file applicants declined unfairly',
  description: 'Applicants with short credit histories are scored as fraud.',
  systems: systemId,
  category: 'fairness',
  phase: 'operation',
  owner: OWNER.user,
  inherentLikelihood: '4',
  inherentImpact: '3',
  treatment: 'mitigate',
  plan: 'Reweigh the training data; monitor decline rates by segment weekly.',
  controls: 'A.6.2.6',
  residualLikelihood: '2',
  residualImpact: '3',
  reviewEveryDays: '90',
  action1Title: 'Add a decline-rate drift monitor per segment',
  action1Owner: OWNER.user,
  action1Due: '2026-12-15',
});

const critical = () => ({
  ...treated(),
  title: 'Model inversion leaks applicant data',
  inherentImpact: '5',
  treatment: 'accept',
  plan: 'Rate-limit the scoring API.',
  residualLikelihood: '4',
  residualImpact: '5',
  acceptanceRationale: 'The exposure is insured.',
  action1Title: '',
  action1Owner: '',
  action1Due: '',
});

async function addRisk(who: { user: string; name: string }, values: Record<string, string>): Promise<Card> {
  const form = await say(who, 'aims risk add');
  return await click(who, fillCard(form, 'Add risk', values));
}

beforeEach(async () => {
  ({ teams, systemId } = await startTeamsWorkspace(
    { '29:app1': { name: 'Ann Approver', aadObjectId: 'aad-app1' }, '29:app2': { name: 'Ben Approver', aadObjectId: 'aad-app2' } },
    { people: [OWNER, APPROVER1, APPROVER2, MEMBER], channels: { approvals: TEAMS_CHANNELS.approvals } },
  ));
  await say(ADMIN, 'aims role grant <at>Ann Approver</at> approver', { mentions: [{ id: '29:app1', name: 'Ann Approver' }] });
  await say(ADMIN, 'aims role grant <at>Ben Approver</at> approver', { mentions: [{ id: '29:app2', name: 'Ben Approver' }] });
});
afterEach(async () => {
  await teams.close();
});

describe('the risk register on Teams, end to end', () => {
  it('adds a risk with inherent high, treated (mitigate, one action, A.6.2.6) to residual medium; the card shows every level’s meaning', async () => {
    const form = await say(ADMIN, 'aims risk add');
    expect(text(form)).toContain('5 — Almost certain: monthly or more');
    expect(Object.keys(cardInputs(form))).toEqual(expect.arrayContaining(['inherentLikelihood', 'residualImpact', 'owner', 'controls']));
    const done = await click(ADMIN, fillCard(form, 'Add risk', treated()));
    expect(text(done)).toContain('Added R-1.');
    expect(await riskRow(1)).toMatchObject({ inherent: 'high', residual: 'medium', acceptance: 'not-needed' });
    expect(await sql().count('risk_actions', "status = 'open'")).toBe(1);
    expect(text(await say(OWNER, 'aims risk matrix'))).toContain('L2 × I3');
    expect(text(await say(OWNER, 'aims risk list open'))).toContain('R-1');
  });

  it('a critical residual: acceptance asked in the approvals channel, owner + 2 approvers accept, an edit of its impact drops them and asks again', async () => {
    expect(text(await addRisk(ADMIN, critical()))).toContain('Added R-1. Posted to the approvals channel for acceptance.');
    expect(await riskRow(1)).toMatchObject({ residual: 'critical', acceptance: 'pending' });
    const accept = () => executeActions(approvalsCard(1))['Accept residual risk'] as never;
    expect(accept()).toBeDefined();
    // Edit opens a dialog from the shared card.
    expect(Object.keys(submitActions(approvalsCard(1)))).toContain('Edit');
    // The admin added it and is no approver: told that (not "another approver must", seen in the Playground).
    expect(text(await click(ADMIN, accept()))).toContain('Only the risk owner and approvers can accept a residual risk.');
    expect(text(await click(ADMIN, accept()))).not.toContain('another approver must');
    expect(text(await click(MEMBER, accept()))).toContain('Only the risk owner and approvers can accept a residual risk.');
    expect(text(await click(OWNER, accept()))).toContain('Your acceptance is recorded.');
    expect(text(await click(APPROVER1, accept()))).toContain('Your acceptance is recorded.');
    expect(text(await click(APPROVER2, accept()))).toContain('R-1 is accepted.');
    expect(await riskRow(1)).toMatchObject({ acceptance: 'accepted' });
    expect(executeActions(approvalsCard(1))['Accept residual risk']).toBeUndefined();

    // The owner edits it from the card in the approvals channel: a dialog, filled in.
    const opened = await dialog(OWNER, 'task/fetch', submitActions(approvalsCard(1)).Edit as Record<string, unknown>, approvalsPost(1));
    if (opened.type !== 'continue') throw new Error(`Edit answered "${opened.text}" instead of a dialog`);
    expect(cardInputs(opened.card).residualImpact).toBe('5');
    const saved = await dialog(OWNER, 'task/submit', fillDialog(opened.card, 'Save', { residualImpact: '4' }), approvalsPost(1));
    expect(saved.type === 'message' ? saved.text : text(saved.card)).toContain(
      'A material change dropped 3 acceptance(s). Those who had accepted were told.',
    );
    expect(await riskRow(1)).toMatchObject({ residual: 'high', acceptance: 'pending' });
    expect(text(approvalsCard(1))).toContain('approvers 0 of 2');
    const told = teams.connector.activities.filter(
      (entry) => entry.method === 'POST' && text(entry.activity).includes('your acceptance was dropped'),
    );
    expect(told.map((entry) => entry.path.split('/')[3]).sort()).toEqual(['conv-personal-aad-app1', 'conv-personal-aad-app2']);
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
    expect((await teams.app.store.auditReport()).disagreements).toEqual([]);
  });

  it('a click carrying R-1 from another tenant changes nothing and shows nothing of it', async () => {
    await addRisk(ADMIN, critical());
    const outsider = { user: 'aad-admin', name: 'Alice Elsewhere', tenant: 'tenant-2' };
    await say(outsider, 'aims status', { tenant: 'tenant-2' });
    const answer = text(await click(outsider, executeActions(approvalsCard(1))['Accept residual risk'] as never));
    expect(answer).not.toContain('Model inversion');
    expect(await sql().count('risk_decisions')).toBe(0);
    expect(text(await say(outsider, 'aims risk list', { tenant: 'tenant-2' }))).toContain('No risks.');
  });

  it('refuses at the field: a level outside 1-5, a control not in Annex A, accept of a critical residual without an acceptance', async () => {
    expect(text(await addRisk(ADMIN, { ...treated(), residualImpact: '9' }))).toContain('The residual impact must be from 1 to 5.');
    expect(text(await addRisk(ADMIN, { ...treated(), controls: 'B.1' }))).toContain('B.1 is not a control of Annex A (e.g. A.6.2.6).');
    expect(text(await addRisk(ADMIN, { ...critical(), acceptanceRationale: '' }))).toContain(
      'A critical residual risk is accepted only with an acceptance',
    );
    expect(await sql().count('risks')).toBe(0);
  });
});

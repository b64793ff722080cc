import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardInputs, cardOf, executeActions, fillCard, fillDialog, submitActions } from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { startTeamsWorkspace, TEAMS_CHANNELS } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
let teams: Harness;
const { say, click, dialog } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
const APPROVER1 = { user: 'aad-app1', name: 'Ann Approver' };
const APPROVER2 = { user: 'aad-app2', name: 'Ben Approver' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const APPROVALS = '19%3Aapprovals%40thread.tacv2';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);

/** The SoA card as last posted or updated in the approvals channel. */
function approvalsCard(): Card | undefined {
  return cardOf(
    teams.connector.activities
      .filter(
        (entry) =>
          entry.path.startsWith(`/v3/conversations/${APPROVALS}/activities`) && text(entry.activity).includes('Statement of Applicability'),
      )
      .at(-1)?.activity,
  );
}

/** That card's message in the approvals channel, by the id the connector gave its post. */
function approvalsPost() {
  const post = teams.connector.activities.find(
    (entry) =>
      entry.method === 'POST' &&
      entry.path === `/v3/conversations/${APPROVALS}/activities` &&
      text(entry.activity).includes('Statement of'),
  );
  return { conversationId: '19:approvals@thread.tacv2', activityId: post?.id ?? '' };
}

const A626 = { applicable: 'yes', justification: 'Treats R-1 (drift of the Fraud Scorer).', state: 'implemented', owner: 'aad-owner' };

// Each test has its own bot, store and fake connector: a tenant with its channels (two approvals), the Fraud
// Scorer owned by Olivia, and two approvers, everyone having said hello in their personal chat.
beforeEach(async () => {
  ({ teams } = await startTeamsWorkspace(
    { '29:app1': { name: 'Ann Approver', aadObjectId: 'aad-app1' }, '29:app2': { name: 'Ben Approver', aadObjectId: 'aad-app2' } },
    { people: [OWNER, APPROVER1, APPROVER2, MEMBER], channels: { approvals: TEAMS_CHANNELS.approvals } },
  ));
  await say(ADMIN, 'aims role grant <at>Ann Approver</at> approver', { mentions: [{ id: '29:app1', name: 'Ann Approver' }] });
  await say(ADMIN, 'aims role grant <at>Ben Approver</at> approver', { mentions: [{ id: '29:app2', name: 'Ben Approver' }] });
});
afterEach(async () => {
  await teams.close();
});

describe('the Statement of Applicability on Teams, end to end', () => {
  it('edits a control on its card in the personal chat: the refusals at their fields, then saved; one control shows its state', async () => {
    const form = await say(ADMIN, 'aims soa edit A.6.2.6');
    expect(cardInputs(form).controlId).toBe('A.6.2.6');
    const excluded = await click(ADMIN, fillCard(form, 'Save', { ...A626, applicable: 'no', justification: '' }));
    expect(text(excluded)).toContain('An excluded control needs a justification: say why it does not apply.');
    const unknown = await click(ADMIN, fillCard(form, 'Save', { ...A626, controlId: 'B.1' }));
    expect(text(unknown)).toContain('Not an Annex A control: use an id such as A.6.2.6.');
    const saved = await click(ADMIN, fillCard(form, 'Save', A626));
    expect(text(saved)).toContain('Saved A.6.2.6.');
    const one = text(await say(MEMBER, 'aims soa A.6.2.6'));
    expect(one).toContain('A.6.2.6 AI system operation and monitoring');
    expect(one).toContain('Implemented');
    expect(one).toContain('Olivia Owner');
    expect(text(await say(MEMBER, 'aims soa'))).toContain('Implemented, but no evidence in the last 12 months (1)');
    expect(text(await say(MEMBER, 'aims soa edit Z.9'))).toContain('Z.9 is not an Annex A control.');
  });

  it('approval from the card in the approvals channel; the edit dialog opens from that card; "changed since v1" after it', async () => {
    await click(ADMIN, fillCard(await say(ADMIN, 'aims soa edit A.6.2.6'), 'Save', A626));
    const asked = await say(ADMIN, 'aims soa approve');
    const requested = await click(ADMIN, executeActions(asked)['Request approval'] as never);
    expect(text(requested)).toContain('Requested approval of SoA v1. Posted to the approvals channel for approval.');
    expect(text(approvalsCard())).toContain('Statement of Applicability · SoA v1');
    expect(Object.keys(executeActions(approvalsCard()))).toEqual(['Approve SoA v1']);
    expect(Object.keys(submitActions(approvalsCard()))).toEqual(['Edit a control…']);
    expect(text(await click(MEMBER, executeActions(approvalsCard())['Approve SoA v1'] as never))).toContain(
      'Only approvers can approve the Statement of Applicability.',
    );
    expect(text(await click(APPROVER1, executeActions(approvalsCard())['Approve SoA v1'] as never))).toContain(
      'Your approval is recorded.',
    );
    expect(text(approvalsCard())).toContain('1 of 2 (Ann Approver)');
    expect(text(await click(APPROVER2, executeActions(approvalsCard())['Approve SoA v1'] as never))).toContain('SoA v1 is approved.');
    expect(Object.keys(executeActions(approvalsCard()))).toEqual([]);
    // The owner edits a control from the shared card: a dialog, with the errors shown in it.
    const opened = await dialog(
      OWNER,
      'task/fetch',
      submitActions(approvalsCard())['Edit a control…'] as Record<string, unknown>,
      approvalsPost(),
    );
    if (opened.type !== 'continue') throw new Error(`the edit answered "${opened.text}" instead of a dialog`);
    const bad = await dialog(
      OWNER,
      'task/submit',
      fillDialog(opened.card, 'Save', { ...A626, controlId: 'A.6.2.6', state: 'partial', applicable: 'no', justification: '' }),
      approvalsPost(),
    );
    expect(bad.type).toBe('continue');
    expect(text(bad)).toContain('An excluded control needs a justification');
    const done = await dialog(
      OWNER,
      'task/submit',
      fillDialog(opened.card, 'Save', { ...A626, controlId: 'A.6.2.6', state: 'partial' }),
      approvalsPost(),
    );
    expect(text(done)).toContain('Saved A.6.2.6. The SoA has changed since v1.');
    expect(text(approvalsCard())).toContain('changed since v1');
    expect(text(await say(MEMBER, 'aims soa'))).toContain('changed since v1');
    expect(await sql().all('SELECT version, status FROM soa_versions')).toEqual([{ version: 1, status: 'approved' }]);
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  });
});

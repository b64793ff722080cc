import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardOf, executeActions, fillCard, fillDialog, submitActions } from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { FRAUD_SCORER, startTeamsWorkspace, TEAMS_CHANNELS } from '../../helpers/workspace-builders.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
let teams: Harness;
const { say, click, dialog } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const APPROVER1 = { user: 'aad-app1', name: 'Ann Approver' };
const APPROVER2 = { user: 'aad-app2', name: 'Ben Approver' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const APPROVALS = '19%3Aapprovals%40thread.tacv2';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);

/** The card of `key` ("IA-1 ·") as last posted or updated in the approvals channel. */
function approvalsCard(key: string): Card | undefined {
  return cardOf(
    teams.connector.activities
      .filter((entry) => entry.path.startsWith(`/v3/conversations/${APPROVALS}/activities`) && text(entry.activity).includes(key))
      .at(-1)?.activity,
  );
}

const ASSESSMENT = {
  intendedUse: 'Answers customer questions about their account.',
  foreseeableMisuse: 'Asked for financial advice.',
  affected: 'Customers: wrong answers delay their requests.',
  societalImpact: 'Little beyond the customers served.',
  harm1: 'Wrong answer about a fee',
  harm1Severity: '3',
  harm1Likelihood: '2',
  mitigation1: 'Answers cite their source.',
  mitigation1Risks: 'R-1',
  humanOversight: 'Agents review a daily sample.',
};

/** `aims impact <system>` in a personal chat, the card filled and submitted; returns the card the bot answers with. */
async function assess(who: { user: string; name: string }, system: string, values: Record<string, string>): Promise<Card> {
  const form = await say(who, `aims impact ${system}`);
  return await click(who, fillCard(form, 'Submit', values));
}

// A tenant with its approvals channel, the Fraud Scorer (production, high risk, owned by the admin), the Chat Helper
// (development, minimal risk) and two approvers.
beforeEach(async () => {
  ({ teams } = await startTeamsWorkspace(
    { '29:app1': { name: 'Ann Approver', aadObjectId: 'aad-app1' }, '29:app2': { name: 'Ben Approver', aadObjectId: 'aad-app2' } },
    {
      people: [APPROVER1, APPROVER2, MEMBER],
      channels: { approvals: TEAMS_CHANNELS.approvals },
      system: { description: 'd', purpose: 'p', owner: 'aad-admin' },
    },
  ));
  await say(ADMIN, 'aims role grant <at>Ann Approver</at> approver', { mentions: [{ id: '29:app1', name: 'Ann Approver' }] });
  await say(ADMIN, 'aims role grant <at>Ben Approver</at> approver', { mentions: [{ id: '29:app2', name: 'Ben Approver' }] });
  const add = await say(ADMIN, 'aims system add');
  await click(
    ADMIN,
    fillCard(add, 'Add', {
      ...FRAUD_SCORER,
      owner: 'aad-admin',
      name: 'Chat Helper',
      euRiskLevel: 'minimal',
      stage: 'development',
      internalTier: 'tier-3',
    }),
  );
  // A risk of the register (R-1) for the assessments' mitigations to name.
  const risk = await say(ADMIN, 'aims risk add');
  await click(
    ADMIN,
    fillCard(risk, 'Add risk', {
      title: 'Wrong answers about fees',
      description: 'The helper invents fees.',
      category: 'transparency',
      phase: 'operation',
      owner: 'aad-admin',
      inherentLikelihood: '3',
      inherentImpact: '3',
      treatment: 'mitigate',
      plan: 'Answers cite their source.',
      controls: 'A.6.2.6',
      residualLikelihood: '2',
      residualImpact: '2',
      reviewEveryDays: '90',
    }),
  );
  expect(await sqlOf(teams.app.store).count('risks')).toBe(1);
});
afterEach(async () => {
  await teams.close();
});

describe('impact assessments on Teams, end to end', () => {
  it('a release of new training data asks for one; an approver who is not its author signs it off and the release card stops asking', async () => {
    const pick = await say(ADMIN, 'aims release');
    const systemId = String((await sql().get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Chat Helper'"))?.id);
    const form = await click(ADMIN, fillCard(pick, 'Next', { aiSystem: systemId }));
    await click(
      ADMIN,
      fillCard(form, 'Request sign-off', { version: '1.1', changeType: 'new-training-data', whatChanged: 'Added tickets.', risks: 'Few.' }),
    );
    expect(text(approvalsCard('REL-1 ·'))).toContain('Impact assessment due');
    expect(text(await say(MEMBER, 'aims impact list'))).toContain('Chat Helper: REL-1 (new training data)');

    const submitted = await assess(APPROVER1, 'Chat Helper', ASSESSMENT);
    expect(text(submitted)).toContain('Submitted IA-1.');
    expect(await sql().get('SELECT version, status, author_person_id IS NOT NULL AS authored FROM impact_assessments')).toEqual({
      version: 1,
      status: 'pending',
      authored: 1,
    });
    const signOff = executeActions(approvalsCard('IA-1 ·'))['Sign off'];
    expect(signOff).toBeDefined();
    expect(text(await click(APPROVER1, signOff as never))).toContain('You wrote IA-1, so you cannot sign it off');
    expect(text(await click(MEMBER, signOff as never))).toContain('Only approvers can sign off impact assessments.');
    expect(text(await click(APPROVER2, signOff as never))).toContain('IA-1 is signed off.');
    expect(text(await click(APPROVER2, signOff as never))).toContain('it counts once');
    expect(await sql().get('SELECT status FROM impact_assessments')).toEqual({ status: 'signed' });
    expect(await sql().count('audit_events', "action = 'impact.signed'")).toBe(1);

    expect(Object.keys(executeActions(approvalsCard('IA-1 ·')))).toEqual([]);
    expect(text(approvalsCard('REL-1 ·'))).not.toContain('Impact assessment due');
    expect(text(await say(MEMBER, 'aims release REL-1'))).not.toContain('Impact assessment due');
    expect(text(await say(MEMBER, 'aims impact IA-1'))).toContain('Signed off by');
  });

  it('refuses a severity outside 1-5 at its field on the card, writing nothing', async () => {
    const refused = await assess(APPROVER1, 'Chat Helper', { ...ASSESSMENT, harm1Severity: '9' });
    expect(text(refused)).toContain('The severity is from 1 to 5.');
    expect(await sql().count('impact_assessments')).toBe(0);
  });

  it('in a channel, the list opens the form of a system that is due in a dialog', async () => {
    const where = { conversationId: '19:approvals@thread.tacv2', conversationType: 'channel' as const };
    const list = await say(MEMBER, 'aims impact list', { ...where, mentionBot: true });
    const open = submitActions(list)['Assess…'];
    expect(open, 'Assess… opens a dialog').toBeDefined();
    const reply = teams.connector.activities.filter((entry) => entry.path.startsWith(`/v3/conversations/${APPROVALS}/activities`)).at(-1);
    const posted = { ...where, activityId: reply?.id ?? '' };
    const opened = await dialog(APPROVER1, 'task/fetch', open as Record<string, unknown>, posted);
    if (opened.type !== 'continue') throw new Error(opened.text);
    const bad = await dialog(APPROVER1, 'task/submit', fillDialog(opened.card, 'Submit', { ...ASSESSMENT, harm1Likelihood: '8' }), posted);
    expect(text(bad)).toContain('The likelihood is from 1 to 5.');
    const done = await dialog(APPROVER1, 'task/submit', fillDialog(opened.card, 'Submit', ASSESSMENT), posted);
    expect(done.type).toBe('message');
    expect(await sql().get('SELECT status, ai_system_id FROM impact_assessments')).toEqual({
      status: 'pending',
      ai_system_id: Number((await sql().get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id),
    });
    expect(executeActions(approvalsCard('IA-1 ·'))['Sign off']).toBeDefined();
  });
});

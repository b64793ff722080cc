import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { FRAUD_SCORER, SLACK_ADMIN, SLACK_MEMBER, SLACK_OWNER, startSlackWorkspace } from '../../helpers/workspace-builders.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const APPROVER1 = { user: 'U0APP1', name: 'ann' };
const APPROVER2 = { user: 'U0APP2', name: 'ben' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(slack.app.store);
const calls = (method: string) => slack.slackApi.callsTo(method);

/** The last post or update in the approvals channel whose blocks name `key` ("IA-1 ·", "REL-1 ·"). */
function approvalsCard(key: string): Json | undefined {
  return slack.slackApi
    .callsTo('*')
    .filter(
      (call) =>
        (call.method === 'chat.postMessage' || call.method === 'chat.update') &&
        call.args.channel === 'C0APP' &&
        text(call.args.blocks).includes(key),
    )
    .at(-1)?.args;
}

/** Clicks a button of the card in the approvals channel; returns what the clicker was answered. */
async function click(
  who: { user: string; name: string },
  key: string,
  label: string,
  button = buttonsOf(approvalsCard(key))[label],
): Promise<Json | undefined> {
  expect(button, `${label} on ${key}`).toBeDefined();
  const ts = calls('chat.postMessage').find((call) => call.args.channel === 'C0APP' && text(call.args.blocks).includes(key))?.ts ?? '';
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${key}-${label}`), {
    channel: 'C0APP',
    ts,
  });
  return calls('response_url').at(-1)?.args;
}

const ASSESSMENT = {
  intendedUse: 'Answers customer questions about their account.',
  foreseeableMisuse: 'Asked for financial advice it is not fit to give.',
  affected: 'Customers: wrong answers delay their requests; agents: fewer escalations.',
  societalImpact: 'Little beyond the customers served.',
  harm1: 'Wrong answer about a fee',
  harm1Severity: '3',
  harm1Likelihood: '2',
  harm2: 'Leaks another customer’s data',
  harm2Severity: '5',
  harm2Likelihood: '1',
  mitigation1: 'Answers cite the help centre page they come from.',
  mitigation1Risks: 'R-1, r2',
  humanOversight: 'Agents review a daily sample of 50 conversations.',
};

/** `/aims impact <system>` by `who`, the modal filled and submitted. */
async function assess(who: { user: string; name: string }, system: string, values: Record<string, string>, viewId: string) {
  const form = await openModal(who, `impact ${system}`);
  return await submitModal(slack.eventsUrl, form, values, who, viewId);
}

// A workspace set up with its approvals channel, the Fraud Scorer (production, EU AI Act high) and the Chat Helper
/** A risk of the register, as its form is filled in (residual low: no acceptance). */
const A_RISK = (owner: string) => ({
  title: 'Wrong answers about fees',
  description: 'The helper invents fees.',
  category: 'transparency',
  phase: 'operation',
  owner,
  inherentLikelihood: '3',
  inherentImpact: '3',
  treatment: 'mitigate',
  plan: 'Answers cite their source.',
  controls: 'A.6.2.6',
  residualLikelihood: '2',
  residualImpact: '2',
  reviewEveryDays: '90',
});

// (development, minimal risk: nothing asks for its assessment until a release changes its training data); two approvers.
beforeEach(async () => {
  ({ slack } = await startSlackWorkspace({ users: { U0APP1: 'Ann Approver', U0APP2: 'Ben Approver' } }));
  await command(SLACK_ADMIN, 'role grant <@U0APP1> approver');
  await command(SLACK_ADMIN, 'role grant <@U0APP2> approver');
  const add = await openModal(SLACK_ADMIN, 'system add');
  await submitModal(
    slack.eventsUrl,
    add,
    { ...FRAUD_SCORER, name: 'Chat Helper', euRiskLevel: 'minimal', stage: 'development', internalTier: 'tier-3' },
    SLACK_ADMIN,
    'V0SYSCHAT',
  );
  // Two risks of the register (R-1, R-2) for the assessments' mitigations to name.
  for (const n of [1, 2]) {
    const form = await openModal(SLACK_ADMIN, 'risk add');
    await submitModal(slack.eventsUrl, form, { ...A_RISK(SLACK_ADMIN.user), title: `Risk ${n}` }, SLACK_ADMIN, `V0RISK${n}`);
  }
  expect(await sqlOf(slack.app.store).count('risks')).toBe(2);
});
afterEach(async () => {
  await slack.close();
});

describe('impact assessments on Slack, end to end', () => {
  it('a release of new training data asks for one; an approver who is not its author signs it off and the release card stops asking', async () => {
    expect(text((await command(SLACK_MEMBER, 'impact list')).json)).not.toContain('Chat Helper:');
    const release = await openModal(SLACK_OWNER, 'release Chat Helper');
    await submitModal(
      slack.eventsUrl,
      release,
      { version: '1.1', changeType: 'new-training-data', whatChanged: 'Added the 2026 tickets.', risks: 'New topics.' },
      SLACK_OWNER,
      'V0REL',
    );
    expect(mrkdwn(approvalsCard('REL-1 ·')).join('\n')).toContain('Impact assessment due');
    // The list names what asks for each assessment: the release, and the Fraud Scorer's stage and EU AI Act level.
    const list = text((await command(SLACK_MEMBER, 'impact list')).json);
    expect(list).toContain('Chat Helper: REL-1 (new training data)');
    expect(list).toContain('Fraud Scorer: in production, EU AI Act high risk');
    expect(text((await command(SLACK_MEMBER, 'status')).json)).toContain('Impact assessments');

    const submitted = await assess(APPROVER1, 'Chat Helper', ASSESSMENT, 'V0IA1');
    expect(submitted.status).toBe(200);
    expect(submitted.json?.errors).toBeUndefined();
    // A double submit of the same modal files it once.
    await submitModal(slack.eventsUrl, (await openModal(APPROVER1, 'impact Chat Helper')) as Json, ASSESSMENT, APPROVER1, 'V0IA1');
    expect(await sql().count('impact_assessments')).toBe(1);
    const row = await sql().get<Json>('SELECT version, status, harms, mitigations FROM impact_assessments');
    expect(row).toMatchObject({ version: 1, status: 'pending' });
    expect(JSON.parse(String(row?.mitigations))).toEqual([{ text: ASSESSMENT.mitigation1, riskRefs: ['R-1', 'R-2'] }]);
    expect(JSON.parse(String(row?.harms))).toHaveLength(2);
    const card = mrkdwn(approvalsCard('IA-1 ·')).join('\n');
    expect(card).toContain('Chat Helper impact assessment v1');
    expect(card).toContain('severity 5 (severe), likelihood 1 (rare)');
    expect(card).toContain('(risks R-1, R-2)');

    // Refusals go to the clicker alone: its author, then a member who is no approver.
    expect(text(await click(APPROVER1, 'IA-1 ·', 'Sign off'))).toContain('You wrote IA-1, so you cannot sign it off');
    expect(text(await click(SLACK_MEMBER, 'IA-1 ·', 'Sign off'))).toContain('Only approvers can sign off impact assessments.');
    expect(await sql().get('SELECT status FROM impact_assessments')).toEqual({ status: 'pending' });
    const signOff = buttonsOf(approvalsCard('IA-1 ·'))['Sign off'];
    expect(text(await click(APPROVER2, 'IA-1 ·', 'Sign off'))).toContain('IA-1 is signed off.');
    // A double click (the button as it was before the card refreshed) counts once.
    expect(text(await click(APPROVER2, 'IA-1 ·', 'Sign off', signOff))).toContain('it counts once');
    expect(await sql().count('audit_events', "action = 'impact.signed'")).toBe(1);
    expect(await sql().count('audit_events', "action = 'impact.submitted'")).toBe(1);

    // The cards show the truth: the assessment signed, no button; the release no longer asks.
    expect(mrkdwn(approvalsCard('IA-1 ·')).join('\n')).toContain('Signed');
    expect(buttonsOf(approvalsCard('IA-1 ·'))['Sign off']).toBeUndefined();
    expect(approvalsCard('REL-1 ·')).toBeDefined();
    expect(mrkdwn(approvalsCard('REL-1 ·')).join('\n')).not.toContain('Impact assessment due');
    expect(text((await command(SLACK_MEMBER, 'release REL-1')).json)).not.toContain('Impact assessment due');
    expect(text((await command(SLACK_MEMBER, 'impact list')).json)).not.toContain('Chat Helper: REL-1');
    expect(text((await command(SLACK_MEMBER, 'impact IA-1')).json)).toContain('Signed off by');
  });

  it('a new version supersedes the signed one once signed; the old one stays readable', async () => {
    await assess(APPROVER1, 'Fraud Scorer', ASSESSMENT, 'V0IAF1');
    await click(APPROVER2, 'IA-1 ·', 'Sign off');
    await assess(APPROVER2, 'Fraud Scorer', { ...ASSESSMENT, humanOversight: 'Agents review 100 a day.' }, 'V0IAF2');
    expect(await sql().all('SELECT id, version, status FROM impact_assessments ORDER BY id')).toEqual([
      { id: 1, version: 1, status: 'signed' },
      { id: 2, version: 2, status: 'pending' },
    ]);
    await click(APPROVER1, 'IA-2 ·', 'Sign off');
    expect(await sql().all('SELECT id, status, superseded_by_id FROM impact_assessments ORDER BY id')).toEqual([
      { id: 1, status: 'superseded', superseded_by_id: 2 },
      { id: 2, status: 'signed', superseded_by_id: null },
    ]);
    const old = text((await command(SLACK_MEMBER, 'impact IA-1')).json);
    expect(old).toContain('Superseded by');
    expect(old).toContain('Agents review a daily sample of 50 conversations.');
    expect(mrkdwn(approvalsCard('IA-1 ·')).join('\n')).toContain('Superseded');
  });

  it('refuses a severity or likelihood outside 1-5 at its field, writing nothing', async () => {
    const seven = await assess(APPROVER1, 'Chat Helper', { ...ASSESSMENT, harm1Severity: '7', harm2Likelihood: '0' }, 'V0IABAD');
    expect(seven.json?.errors).toEqual({
      harm1Severity: 'The severity is from 1 to 5.',
      harm2Likelihood: 'The likelihood is from 1 to 5.',
    });
    const missing = await assess(
      APPROVER1,
      'Chat Helper',
      { ...ASSESSMENT, harm2Severity: '', mitigation1Risks: 'the big one' },
      'V0IABAD2',
    );
    expect(missing.json?.errors).toEqual({
      harm2Severity: 'Give the severity as a number from 1 to 5.',
      mitigation1Risks: 'Name risks as R-3, R-5.',
    });
    expect(await sql().count('impact_assessments')).toBe(0);
    expect(await sql().count('audit_events', "action like 'impact.%'")).toBe(0);
  });

  it("another workspace's assessment is not there", async () => {
    await assess(APPROVER1, 'Chat Helper', ASSESSMENT, 'V0IAW');
    const visitor = { user: 'U0OTHER', name: 'otto', team: 'T0OTHER' };
    expect(text((await command(visitor, 'impact IA-1')).json)).toContain('There is no IA-1 in this workspace.');
    expect(text((await command(visitor, 'impact list')).json)).not.toContain('IA-1');
  });
});

/** The section and field texts of a message. */
function mrkdwn(payload: unknown): string[] {
  return ((payload as { blocks?: Json[] } | undefined)?.blocks ?? []).flatMap((block) => [
    ...(block.text ? [String((block.text as Json).text)] : []),
    ...((block.fields as Json[] | undefined) ?? []).map((field) => String(field.text)),
  ]);
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { startSlackWorkspace } from '../../helpers/workspace-builders.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { parseArgs } from '../../../src/cli/cli-args.ts';
import { exportSourcesOf, runExport } from '../../../src/cli/export-command.ts';
import { features } from '../../../src/features/index.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
let systemId = '';
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const APPROVER1 = { user: 'U0APP1', name: 'ann' };
const APPROVER2 = { user: 'U0APP2', name: 'ben' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);
const riskRow = async (number: number) =>
  await sql().get<{ inherent: string; residual: string; acceptance: string; id: number }>(
    'SELECT id, inherent_level AS inherent, residual_level AS residual, acceptance FROM risks WHERE number = ?',
    number,
  );

/** The card of R-n as last posted or updated in the approvals channel. */
function approvalsCard(number: number): Json | undefined {
  return calls('*')
    .filter(
      (call) =>
        (call.method === 'chat.postMessage' || call.method === 'chat.update') &&
        call.args.channel === 'C0APP' &&
        text(call.args.blocks).includes(`R-${number} ·`),
    )
    .at(-1)?.args;
}

/** Clicks a button on R-n's card in the approvals channel; returns the answer to the clicker. */
async function click(who: { user: string; name: string }, number: number, label: string): Promise<Json | undefined> {
  const button = buttonsOf(approvalsCard(number))[label];
  expect(button, `${label} on R-${number}`).toBeDefined();
  const ts =
    calls('chat.postMessage')
      .filter((call) => call.args.channel === 'C0APP' && text(call.args.blocks).includes(`R-${number} ·`))
      .at(-1)?.ts ?? '';
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${label}-${Math.random()}`), {
    channel: 'C0APP',
    ts,
  });
  return calls('response_url').at(-1)?.args;
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
  category: 'privacy',
  inherentLikelihood: '4',
  inherentImpact: '5',
  treatment: 'accept',
  plan: 'Rate-limit the scoring API; no further controls this year.',
  controls: 'A.6.2.6, a.8.2',
  residualLikelihood: '4',
  residualImpact: '5',
  acceptanceRationale: 'Removing the API would stop the business; the exposure is insured.',
  action1Title: '',
  action1Owner: undefined,
  action1Due: undefined,
});

async function addRisk(who: { user: string; name: string }, values: Record<string, string | undefined>, viewId: string) {
  const form = await openModal(who, 'risk add');
  return await submitModal(slack.eventsUrl, form, values, who, viewId);
}

beforeEach(async () => {
  ({ slack, systemId } = await startSlackWorkspace({ users: { U0APP1: 'Ann Approver', U0APP2: 'Ben Approver' } }));
  await command(ADMIN, 'role grant <@U0APP1> approver');
  await command(ADMIN, 'role grant <@U0APP2> approver');
});
afterEach(async () => {
  await slack.close();
});

describe('the risk register on Slack, end to end', () => {
  it('the modal shows the meaning of every level; a risk with inherent high is treated (mitigate, one action, A.6.2.6) to residual medium', async () => {
    const form = await openModal(ADMIN, 'risk add');
    const shown = text(form);
    expect(shown).toContain('Almost certain: monthly or more');
    expect(shown).toContain('Severe: lasting harm to many, or to life or liberty');
    const saved = await submitModal(slack.eventsUrl, form, treated(), ADMIN, 'V0RISK1');
    expect(text(saved.json?.view ?? saved.json)).toContain('Added R-1.');
    expect(await riskRow(1)).toMatchObject({ inherent: 'high', residual: 'medium', acceptance: 'not-needed' });
    expect(await sql().all('SELECT title, status, due_date AS due FROM risk_actions WHERE risk_id = ?', (await riskRow(1))?.id)).toEqual([
      { title: 'Add a decline-rate drift monitor per segment', status: 'open', due: '2026-12-15' },
    ]);
    // A medium residual needs no acceptance: nothing goes to the approvals channel.
    expect(approvalsCard(1)).toBeUndefined();
    // The same submission again (a double click) adds nothing.
    await submitModal(slack.eventsUrl, form, treated(), ADMIN, 'V0RISK1');
    expect(await sql().count('risks')).toBe(1);

    const card = text((await command(OWNER, 'risk R-1')).json);
    expect(card).toContain('A.6.2.6');
    expect(card).toContain('Fraud Scorer');
    expect(text((await command(OWNER, 'risk list mine')).json)).toContain('R-1');
    expect(text((await command(OWNER, 'risk list Fraud Scorer')).json)).toContain('R-1');
    expect(text((await command(OWNER, 'risk list high')).json)).toContain('No risks (high and critical).');
    const matrix = text((await command(OWNER, 'risk matrix')).json);
    expect(matrix).toContain('Risk matrix · 1 open (residual)');
    expect(matrix).toContain('L2 × I3');
    // An edit adding a second treatment action, submitted twice (a double click), adds it once; the residual stays medium.
    const edit = await openModal(OWNER, 'risk R-1 edit');
    const more = { action1Title: 'Publish decline rates to the fairness board', action1Owner: OWNER.user, action1Due: '2027-01-31' };
    expect(text((await submitModal(slack.eventsUrl, edit, more, OWNER, 'V0RISK1EDIT')).json)).toContain('Saved R-1.');
    await submitModal(slack.eventsUrl, edit, more, OWNER, 'V0RISK1EDIT');
    expect(await sql().count('risk_actions')).toBe(2);
    expect(await riskRow(1)).toMatchObject({ residual: 'medium', acceptance: 'not-needed' });
    // The status counts the open risk by its residual level.
    expect(text((await command(OWNER, 'status')).json)).toContain('0 low, 1 medium, 0 high, 0 critical');
    // `aims risk export --format csv`: a header and one row per risk, with its treatment, controls and open actions.
    const out: string[] = [];
    const risk = exportSourcesOf(features).get('risk');
    expect(risk).toBeDefined();
    const code = await runExport(risk!, slack.app.store, parseArgs(['--format', 'csv']), {
      out: (line) => out.push(line),
      err: (line) => out.push(line),
    });
    expect(code).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('Risk,Title,AI systems,Category');
    expect(out[1]).toMatch(/^R-1,.*,Fraud Scorer,.*,Mitigate,.*,A\.6\.2\.6,2,3,Medium,not-needed,2,/);
    // The Statement of Applicability counts the risk treated by A.6.2.6 as live evidence of that control.
    const soa: string[] = [];
    await runExport(
      exportSourcesOf(features).get('soa')!,
      slack.app.store,
      parseArgs(['--format', 'csv', '--at', '2026-11-22T12:00:00Z']),
      {
        out: (line) => soa.push(line),
        err: (line) => soa.push(line),
      },
    );
    expect(soa).toHaveLength(39);
    const a626 = soa.find((line) => line.startsWith('A.6.2.6,'))?.split(',') ?? [];
    expect(Number(a626.at(-2))).toBeGreaterThan(0);
    expect(text((await command(OWNER, 'soa A.6.2.6')).json)).toContain('1 record(s) of review:drift, incident or risks it treats');
  });

  it('a critical residual asks for acceptance in the approvals channel; the owner and two approvers accept; an edit of its impact drops the acceptances and asks again', async () => {
    const saved = await addRisk(ADMIN, critical(), 'V0RISK2');
    expect(text(saved.json?.view ?? saved.json)).toContain('Added R-1. Posted to #ai-approvals for acceptance');
    expect(await riskRow(1)).toMatchObject({ inherent: 'critical', residual: 'critical', acceptance: 'pending' });
    const posted = calls('chat.postMessage').filter((call) => call.args.channel === 'C0APP');
    expect(posted.length).toBe(1);
    expect(posted[0]?.problems).toEqual([]);
    expect(text(approvalsCard(1))).toContain('Awaiting acceptance');
    // The owner is asked in a direct message.
    expect(
      calls('chat.postMessage').some((call) => call.args.channel === OWNER.user && text(call.args).includes('needs your acceptance')),
    ).toBe(true);
    // Through the outbox: queued with the change, then sent.
    expect(
      await sql().all('SELECT kind, target, status FROM outbox_messages WHERE subject = ? ORDER BY id', `risk:${(await riskRow(1))?.id}`),
    ).toEqual([
      { kind: 'post', target: 'approvals', status: 'sent' },
      { kind: 'direct', target: expect.any(String), status: 'sent' },
    ]);

    // The admin added it (its last editor, who never accepts it) and is no approver: told so, not "another approver must".
    expect(text(await click(ADMIN, 1, 'Accept residual risk'))).toContain('Only the risk owner and approvers can accept a residual risk.');
    expect(text(await click(MEMBER, 1, 'Accept residual risk'))).toContain('Only the risk owner and approvers can accept a residual risk.');
    expect(text(await click(OWNER, 1, 'Accept residual risk'))).toContain('Your acceptance is recorded.');
    expect(text(await click(APPROVER1, 1, 'Accept residual risk'))).toContain('Your acceptance is recorded.');
    expect(text(await click(APPROVER1, 1, 'Accept residual risk'))).toContain('it counts once');
    expect(text(await click(APPROVER2, 1, 'Accept residual risk'))).toContain('R-1 is accepted.');
    expect(await riskRow(1)).toMatchObject({ acceptance: 'accepted' });
    expect(text(approvalsCard(1))).toContain('Accepted');
    const hash = (await sql().get<{ h: string }>('SELECT content_hash AS h FROM risks WHERE number = 1'))?.h;
    expect(await sql().all('SELECT role, content_hash AS hash FROM risk_decisions ORDER BY id')).toEqual([
      { role: 'owner', hash },
      { role: 'approver', hash },
      { role: 'approver', hash },
    ]);

    // Edit on the approvals card opens the form as a modal for the person who clicked; a member is refused, to them alone.
    const opened = calls('views.open').length;
    await click(OWNER, 1, 'Edit');
    expect(calls('views.open').length).toBe(opened + 1);
    expect(calls('views.open').at(-1)?.problems).toEqual([]);
    expect(text(calls('views.open').at(-1)?.args.view)).toContain('Edit R-1');
    expect(text(await click(MEMBER, 1, 'Edit'))).toContain('Only the owner of R-1 or an admin can edit it.');
    // The owner lowers the residual impact: a material change.
    const edit = await openModal(OWNER, 'risk R-1 edit');
    expect(text(edit)).toContain('Model inversion leaks applicant data');
    const before = calls('chat.postMessage').length;
    const result = await submitModal(slack.eventsUrl, edit, { residualImpact: '4' }, OWNER, 'V0RISKEDIT');
    expect(text(result.json?.view ?? result.json)).toContain('A material change dropped 3 acceptance(s).');
    expect(text(result.json?.view ?? result.json)).toContain('Acceptance is asked again in the approvals channel.');
    expect(await riskRow(1)).toMatchObject({ residual: 'high', acceptance: 'pending' });
    expect(await sql().count('risk_decisions', 'active')).toBe(0);
    const after = calls('chat.postMessage').slice(before);
    // Asked again on the card in the approvals channel (one card per risk, updated in place), and those who had accepted are told.
    expect(after.filter((call) => call.args.channel === 'C0APP')).toEqual([]);
    expect(approvalsCard(1)).toBe(
      calls('chat.update')
        .filter((call) => call.args.channel === 'C0APP')
        .at(-1)?.args,
    );
    expect(
      after
        .filter((call) => text(call.args).includes('your acceptance was dropped'))
        .map((call) => call.args.channel)
        .sort(),
    ).toEqual(['U0APP1', 'U0APP2']);
    expect(text(approvalsCard(1))).toContain('Awaiting acceptance');
    expect(text(approvalsCard(1))).toContain('approvers 0 of 2');
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    expect((await slack.app.store.auditReport()).disagreements).toEqual([]);
  });

  it('refuses at the field: a likelihood outside 1-5, a control not in Annex A, accept of a critical residual without an acceptance', async () => {
    const form = await openModal(ADMIN, 'risk add');
    // A forged value (Slack's client only offers 1 to 5).
    const outside = await submitModal(slack.eventsUrl, form, { ...treated(), inherentLikelihood: '7' }, ADMIN, 'V0BAD1');
    expect(outside.json?.errors).toEqual({ inherentLikelihood: 'The inherent likelihood must be from 1 to 5.' });
    const control = await submitModal(slack.eventsUrl, form, { ...treated(), controls: 'A.6.2.6, A.6.9' }, ADMIN, 'V0BAD2');
    expect(control.json?.errors).toEqual({ controls: 'A.6.9 is not a control of Annex A (e.g. A.6.2.6).' });
    const accept = await submitModal(slack.eventsUrl, form, { ...critical(), acceptanceRationale: '' }, ADMIN, 'V0BAD3');
    expect(Object.keys((accept.json?.errors as Json | undefined) ?? {})).toEqual(['treatment']);
    expect(text(accept.json?.errors)).toContain('A critical residual risk is accepted only with an acceptance');
    const action = await submitModal(slack.eventsUrl, form, { ...treated(), action1Due: undefined }, ADMIN, 'V0BAD4');
    expect(action.json?.errors).toEqual({ action1Due: 'Give a due date.' });
    expect(await sql().count('risks')).toBe(0);
  });

  it('treatment actions and reviews due are nudged to their owners like corrective actions; Done in the nudge closes the action', async () => {
    await addRisk(ADMIN, treated(), 'V0RISKN');
    const dms = (user: string) => calls('chat.postMessage').filter((call) => call.args.channel === user);
    await slack.app.runJob('nudges', new Date('2026-12-20T08:00:00Z'));
    const nudge = dms(OWNER.user).at(-1)?.args;
    expect(text(nudge)).toContain('Treatment action #1 of R-1: Add a decline-rate drift monitor per segment');
    const done = Object.entries(buttonsOf(nudge)).find(([label]) => label.startsWith('Done'))?.[1];
    expect(done).toBeDefined();
    await clickButton(slack.eventsUrl, done as Json, OWNER, slack.slackApi.responseUrl('nudge-done'));
    expect(text(calls('response_url').at(-1)?.args)).toContain('Treatment action #1 is done.');
    expect(await sql().get('SELECT status FROM risk_actions WHERE id = 1')).toEqual({ status: 'done' });
    // Its review is due 90 days after it was added (2027-02-20): nudged then, with a button that records it.
    await slack.app.runJob('nudges', new Date('2027-02-25T08:00:00Z'));
    const review = dms(OWNER.user).at(-1)?.args;
    expect(text(review)).toContain('Review of R-1: Thin-file applicants declined unfairly');
    expect(text(review)).not.toContain('Treatment action #1');
  });

  it('the weekly digest counts open risks by residual level and those awaiting acceptance, and names the concern', async () => {
    await addRisk(ADMIN, treated(), 'V0RISKD1');
    await addRisk(ADMIN, critical(), 'V0RISKD2');
    await slack.app.runJob('digest', new Date('2026-11-23T09:00:00Z'));
    const digest = calls('chat.postMessage')
      .filter((call) => call.args.channel === 'C0LEAD' && text(call.args.blocks).includes('AIMS weekly digest'))
      .at(-1);
    expect(digest?.problems).toEqual([]);
    expect(text(digest?.args)).toContain('0 low, 1 medium, 0 high, 1 critical; 1 awaiting acceptance');
    expect(text(digest?.args)).toContain('1 high or critical residual risk(s) not accepted');
  });

  it('an admin sets the level thresholds; a member may not; new risks use them', async () => {
    expect(text((await command(MEMBER, 'risk levels')).json)).toContain('medium from 5, high from 10, critical from 20');
    expect(text((await command(MEMBER, 'risk levels 4 8 12')).json)).toContain('Only admins can set the risk level thresholds.');
    expect(text((await command(ADMIN, 'risk levels 12 8 4')).json)).toContain('Each level must start above the one before');
    expect(text((await command(ADMIN, 'risk levels 4 8 12')).json)).toContain('Saved. New and edited risks use these levels.');
    // With 4/8/12: L2 x I3 = 6 is medium, L4 x I3 = 12 critical.
    await addRisk(ADMIN, treated(), 'V0RISKL');
    expect(await riskRow(1)).toMatchObject({ inherent: 'critical', residual: 'medium' });
    expect(await sql().count('audit_events', "action = 'risk.levels_set'")).toBe(1);
  });

  it('the owner closes a risk: it leaves the matrix and the nudges, stays in the register; a member may not; closing again changes nothing', async () => {
    await addRisk(ADMIN, treated(), 'V0RISKC');
    expect(text((await command(MEMBER, 'risk R-1 close')).json)).toContain('Only the owner of R-1 or an admin can close it.');
    const closed = text((await command(OWNER, 'risk R-1 close')).json);
    expect(closed).toContain('Closed R-1');
    expect(closed).toContain('(closed)');
    expect(await sql().get('SELECT status FROM risks WHERE number = 1')).toEqual({ status: 'closed' });
    const events = await sql().count('audit_events', "action = 'risk.closed'");
    expect(events).toBe(1);
    expect(text((await command(OWNER, 'risk R-1 close')).json)).toContain('R-1 is already closed.');
    expect(await sql().count('audit_events', "action = 'risk.closed'")).toBe(1);
    expect(text((await command(OWNER, 'risk matrix')).json)).toContain('Risk matrix · 0 open (residual)');
    expect(text((await command(OWNER, 'risk list')).json)).toContain('closed');
    expect(text((await command(OWNER, 'status')).json)).toContain('0 low, 0 medium, 0 high, 0 critical');
    expect(text((await command(ADMIN, 'risk R-1 reopen')).json)).toContain('Reopened R-1.');
    expect(text((await command(OWNER, 'risk matrix')).json)).toContain('Risk matrix · 1 open (residual)');
  });

  it('nothing of one workspace in another: R-1 is not there for another Slack team', async () => {
    await addRisk(ADMIN, treated(), 'V0RISK3');
    const outsider = { user: 'U0OUT', name: 'oscar', team: 'T0OTHER' };
    expect(text((await command(outsider, 'risk R-1')).json)).toContain('There is no R-1 in this workspace.');
    expect(text((await command(outsider, 'risk list')).json)).toContain('No risks.');
  });
});

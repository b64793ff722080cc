import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { startSlackWorkspace } from '../../helpers/workspace-builders.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { checkSlackMessage } from '../../helpers/slack-limits.ts';
import { parseArgs } from '../../../src/cli/cli-args.ts';
import { exportSourcesOf, runExport } from '../../../src/cli/export-command.ts';
import { features } from '../../../src/features/index.ts';
import { auditReportExport } from '../../../src/features/internal-audits/export.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
let systemId = '';
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const LEAD = { user: 'U0LEAD', name: 'lena' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);
/** The "Clauses with records" line of the status. */
const clausesCovered = async () =>
  /Clauses with records[^0-9]*(\d+ of \d+[^"]*?)(?:\\n|")/.exec(text((await command(ADMIN, 'status')).json))?.[1] ?? '';

/** Clicks a button of a message shown to `who`; returns the answer to the clicker (or the modal it opened). */
async function click(who: { user: string; name: string }, shown: Json | undefined, label: string): Promise<Json | undefined> {
  const button = buttonsOf(shown)[label];
  expect(button, `${label} in ${text(shown).slice(0, 300)}`).toBeDefined();
  const opened = calls('views.open').length;
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${label}-${Math.random()}`));
  if (calls('views.open').length > opened) {
    expect(calls('views.open').at(-1)?.problems).toEqual([]);
    return calls('views.open').at(-1)?.args.view as Json;
  }
  return calls('response_url').at(-1)?.args;
}

const plan = (lead: string) => ({
  title: 'Q4 audit of the fraud model',
  clauses: '9.2, 10.2',
  controls: 'A.6.2.6',
  systems: systemId,
  plannedStart: '2026-12-01',
  plannedEnd: '2026-12-05',
  lead,
  auditors: '',
});

beforeEach(async () => {
  ({ slack, systemId } = await startSlackWorkspace({ users: { U0LEAD: 'Lena Lead', U0MEMBER: 'Mia Member' } }));
});
afterEach(async () => {
  await slack.close();
});

describe('internal audits and nonconformities on Slack, end to end', () => {
  it('refuses an auditor of their own area, naming the record; nothing is written', async () => {
    const form = await openModal(ADMIN, 'audit plan');
    const refused = await submitModal(slack.eventsUrl, form, plan(OWNER.user), ADMIN, 'V0AUDOWN');
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(text(refused.json)).toContain(
      'owns AI system Fraud Scorer in the scope of this audit: an auditor may not audit their own work.',
    );
    // As one of the auditors too.
    const again = await submitModal(slack.eventsUrl, form, { ...plan(LEAD.user), auditors: OWNER.user }, ADMIN, 'V0AUDOWN2');
    expect(text((again.json as Json).errors)).toContain('auditors');
    expect(await sql().count('internal_audits')).toBe(0);
    // A member cannot plan the programme.
    const member = await submitModal(slack.eventsUrl, await openModal(MEMBER, 'audit plan'), plan(LEAD.user), MEMBER, 'V0AUDMEM');
    expect(text(member.json)).toContain('Only admins and leadership can plan an internal audit.');
    expect(await sql().count('internal_audits')).toBe(0);
  });

  it('an audit with 40 findings of 3,000 characters each: its card and the NC register stay within Slack’s limits', async () => {
    await submitModal(slack.eventsUrl, await openModal(ADMIN, 'audit plan'), plan(LEAD.user), ADMIN, 'V0BIG');
    const findingForm = await openModal(LEAD, 'audit AUD-1 finding');
    for (let i = 1; i <= 40; i++) {
      const description = `Finding ${i}: ${'the drift review was skipped and nobody noticed. '.repeat(70)}`.slice(0, 3000);
      const logged = await submitModal(
        slack.eventsUrl,
        findingForm,
        { kind: 'minor-nc', clause: '9.2', description, recordRef: '' },
        LEAD,
        `V0BIG${i}`,
      );
      expect(text(logged.json)).toContain(`Logged AUD-1 F${i}:`);
    }
    expect(await sql().count('audit_findings')).toBe(40);
    const card = (await command(LEAD, 'audit AUD-1')).json as Json;
    expect(checkSlackMessage(card)).toEqual([]);
    expect(text(card)).toContain('Log NC from F1');
    // The card's own buttons are never the blocks cut to stay within 50.
    expect(Object.keys(buttonsOf(card))).toEqual(expect.arrayContaining(['Log a finding', 'Complete audit']));
    // Completing is final: Slack asks first, in its own confirm dialog.
    expect(buttonsOf(card)['Complete audit']?.confirm).toEqual({
      title: { type: 'plain_text', text: 'Complete AUD-1?' },
      text: {
        type: 'plain_text',
        text: 'Completing makes the report final: no more findings can be logged. Its nonconformities go on being followed.',
      },
      confirm: { type: 'plain_text', text: 'Complete' },
      deny: { type: 'plain_text', text: 'Not yet' },
    });
    expect(checkSlackMessage((await command(LEAD, 'audit list')).json as Json)).toEqual([]);
  });

  it('an audit with a minor nonconformity: corrective action, done, effectiveness check by another person, closed; clause 9.2 covered', async () => {
    expect(await clausesCovered()).toMatch(/^\d+ of 14/);
    expect(await clausesCovered()).not.toContain('9.2');
    const form = await openModal(ADMIN, 'audit plan');
    const saved = await submitModal(slack.eventsUrl, form, plan(LEAD.user), ADMIN, 'V0AUD1');
    expect(text(saved.json)).toContain('Planned AUD-1.');
    await submitModal(slack.eventsUrl, form, plan(LEAD.user), ADMIN, 'V0AUD1');
    expect(await sql().count('internal_audits')).toBe(1);
    // The lead auditor hears of it in a direct message with the audit's card.
    expect(
      calls('chat.postMessage').some((c) => c.args.channel === LEAD.user && text(c.args).includes('You are an auditor of AUD-1')),
    ).toBe(true);

    // A finding against a clause that is not in annex-a.json is refused at the field.
    const findingForm = await openModal(LEAD, 'audit AUD-1 finding');
    const finding = {
      kind: 'minor-nc',
      clause: '9.2',
      description: 'The audit programme names no criteria for the drift reviews.',
      recordRef: 'R-1',
    };
    const bad = await submitModal(slack.eventsUrl, findingForm, { ...finding, clause: 'B.7' }, LEAD, 'V0F0');
    expect(text(bad.json)).toContain('“B.7” is not a clause or an Annex A control of annex-a.json');
    expect(await sql().count('audit_findings')).toBe(0);
    // A member who is no auditor of AUD-1 logs nothing.
    const outsider = await submitModal(slack.eventsUrl, await openModal(MEMBER, 'audit AUD-1 finding'), finding, MEMBER, 'V0F00');
    expect(text(outsider.json)).toContain('Only the auditors of AUD-1 can log a finding in it.');
    const logged = await submitModal(slack.eventsUrl, findingForm, finding, LEAD, 'V0F1');
    expect(text(logged.json)).toContain('Logged AUD-1 F1: minor nonconformity against 9.2.');
    expect(await sql().get('SELECT status FROM internal_audits')).toEqual({ status: 'in-progress' });

    // From the finding on the audit's card: the nonconformity.log form, filled in with source "audit".
    const card = (await command(LEAD, 'audit AUD-1')).json as Json;
    const ncForm = await click(LEAD, card, 'Log NC from F1');
    expect(text(ncForm)).toContain('Log a nonconformity');
    expect(text(ncForm)).toContain('The audit programme names no criteria');
    const ncSaved = await submitModal(slack.eventsUrl, ncForm as Json, { owner: MEMBER.user }, LEAD, 'V0NC1');
    expect(text(ncSaved.json)).toContain('Logged NC-1 from AUD-1.');
    expect(await sql().get('SELECT source, source_ref AS ref, clause, grade, status FROM nonconformities')).toEqual({
      source: 'audit',
      ref: 'AUD-1',
      clause: '9.2',
      grade: 'minor',
      status: 'open',
    });
    expect(calls('chat.postMessage').some((c) => c.args.channel === MEMBER.user && text(c.args).includes('You own NC-1'))).toBe(true);

    // The owner raises the corrective action (one of the incidents area's, linked to NC-1) with its root cause.
    const ncCard = (await command(MEMBER, 'audit NC-1')).json as Json;
    const actionForm = await click(MEMBER, ncCard, 'Raise corrective action');
    const correction = {
      rootCause: 'No template for audit criteria.',
      title: 'Add audit criteria to the programme template',
      owner: MEMBER.user,
      dueDate: '2026-12-20',
      checker: MEMBER.user,
    };
    const same = await submitModal(slack.eventsUrl, actionForm as Json, correction, MEMBER, 'V0CA0');
    expect(text(same.json)).toContain('The effectiveness is checked by someone other than the action’s owner.');
    const raised = await submitModal(slack.eventsUrl, actionForm as Json, { ...correction, checker: LEAD.user }, MEMBER, 'V0CA1');
    expect(text(raised.json)).toMatch(/Corrective action #\d+ raised for NC-1, due 2026-12-20\./);
    await submitModal(slack.eventsUrl, actionForm as Json, { ...correction, checker: LEAD.user }, MEMBER, 'V0CA1');
    const ncId = (await sql().get<{ id: number }>('SELECT id FROM nonconformities'))?.id;
    expect(await sql().all('SELECT status, root_cause AS cause, nonconformity_id AS nc FROM corrective_actions')).toEqual([
      { status: 'open', cause: 'No template for audit criteria.', nc: ncId },
    ]);
    expect(text((await command(MEMBER, 'action list mine')).json)).toContain('Add audit criteria to the programme template');

    // Done; the checker is asked.
    const done = await click(MEMBER, (await command(MEMBER, 'audit NC-1')).json as Json, 'Action done');
    expect(text(done)).toContain('is done: its effectiveness check is due.');
    expect(
      calls('chat.postMessage').some((c) => c.args.channel === LEAD.user && text(c.args).includes('please check its effectiveness')),
    ).toBe(true);
    // The action's owner may not check it: refused at the field, nothing changed.
    const checkForm = await click(MEMBER, (await command(MEMBER, 'audit NC-1')).json as Json, 'Check effectiveness');
    const own = await submitModal(slack.eventsUrl, checkForm as Json, { result: 'passed' }, MEMBER, 'V0CHK0');
    expect(text(own.json)).toContain('The owner of the action cannot check its effectiveness: someone else must.');
    expect(await sql().get('SELECT check_result AS result FROM corrective_actions')).toEqual({ result: null });
    // Someone else checks it: passed closes NC-1.
    const checked = await submitModal(
      slack.eventsUrl,
      checkForm as Json,
      { result: 'passed', note: 'Template used in AUD-2 planning.' },
      LEAD,
      'V0CHK1',
    );
    expect(text(checked.json)).toContain('The corrective action was effective: NC-1 is closed.');
    expect(await sql().get('SELECT status, closed_at IS NOT NULL AS closed FROM nonconformities')).toMatchObject({ status: 'closed' });
    expect(await sql().get('SELECT status, check_result AS result FROM corrective_actions')).toEqual({ status: 'done', result: 'passed' });

    // The report card, the status and Annex A coverage.
    expect(text((await command(LEAD, 'audit AUD-1')).json)).toContain('NC-1 closed (effective)');
    expect(await clausesCovered()).toContain('9.2');
    expect(await clausesCovered()).toContain('10.2');
    expect(text((await command(ADMIN, 'status')).json)).toContain('0 open (0 awaiting action, 0 in correction, 0 checks due), 1 closed');
    // `aims audit report AUD-1 --format csv`: one row per finding with its nonconformity and correction.
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    expect(await runExport(auditReportExport(1), slack.app.store, parseArgs(['--format', 'csv']), io)).toBe(0);
    expect(out[0]).toContain('Audit,Audit title,Finding,Kind,Clause or control');
    expect(out[1]).toMatch(
      /^AUD-1,Q4 audit of the fraud model,F1,Minor nonconformity,9\.2,.*,R-1,.*,NC-1,Closed \(effective\),#\d+ Add audit criteria/,
    );
    const programme: string[] = [];
    await runExport(exportSourcesOf(features).get('internal-audits')!, slack.app.store, parseArgs(['--format', 'csv']), {
      out: (line) => programme.push(line),
      err: (line) => programme.push(line),
    });
    expect(programme[1]).toMatch(/^AUD-1,Q4 audit of the fraud model,in-progress,2026-12-01,2026-12-05,/);
    // Every change is in the audit chain, through the outbox.
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    expect(await sql().count('audit_events', "action LIKE 'nonconformity.%' OR action LIKE 'internal_audit.%'")).toBe(5);
    expect(await sql().count('outbox_messages', "status <> 'sent'")).toBe(0);
  });

  it('the nonconformity.log form opened with source "objective" stores a nonconformity tied to that objective', async () => {
    const ownerId = (await sql().get<{ id: number }>('SELECT id FROM people WHERE external_id = ?', OWNER.user))?.id;
    const args = {
      form: 'nonconformity.log',
      source: 'objective',
      ref: 'OBJ-2',
      clause: '9.1',
      description: 'Fraud recall on holdout 0.88, target >= 0.92, on 2026-12-01',
      owner: String(ownerId),
    };
    // The objectives area's button, as the router's open-form action carries it.
    const button = {
      action_id: 'aims:form.open:0',
      value: JSON.stringify(args),
      text: { type: 'plain_text', text: 'Log as nonconformity' },
    };
    const opened = calls('views.open').length;
    await clickButton(slack.eventsUrl, button, OWNER, slack.slackApi.responseUrl('U0OWNER-objective'));
    expect(calls('views.open').length).toBe(opened + 1);
    const form = calls('views.open').at(-1)?.args.view as Json;
    expect(text(form)).toContain('From objective OBJ-2');
    expect(text(form)).toContain('Fraud recall on holdout 0.88');
    const saved = await submitModal(slack.eventsUrl, form, {}, OWNER, 'V0NCOBJ');
    expect(text(saved.json)).toContain('Logged NC-1 from OBJ-2.');
    expect(
      await sql().get('SELECT source, source_ref AS ref, clause, audit_id AS audit, owner_person_id AS owner FROM nonconformities'),
    ).toEqual({
      source: 'objective',
      ref: 'OBJ-2',
      clause: '9.1',
      audit: null,
      owner: ownerId,
    });
    // Another workspace's AUD-1 shows nothing of it.
    const other = { user: 'U0OTHER', name: 'otto', team: 'T0OTHER' };
    await submitModal(slack.eventsUrl, await openModal(ADMIN, 'audit plan'), plan(LEAD.user), ADMIN, 'V0AUDX');
    const elsewhere = text((await command(other, 'audit AUD-1')).json);
    expect(elsewhere).toContain('There is no AUD-1 in this workspace.');
    expect(elsewhere).not.toContain('Q4 audit');
  });
});

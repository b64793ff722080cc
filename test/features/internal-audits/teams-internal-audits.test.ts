import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeActions, fillCard } from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { startTeamsWorkspace } from '../../helpers/workspace-builders.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
let teams: Harness;
let systemId = '';
const { say, click } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
const LEAD = { user: 'aad-lead', name: 'Lena Lead' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);
const clausesCovered = async () =>
  /Clauses with records.*?"text":"(\d+ of \d+[^"]*)"/.exec(text(await say(ADMIN, 'aims status')))?.[1] ?? 'no clause line';
const button = (card: Card | undefined, label: string) => {
  const action = executeActions(card)[label];
  expect(action, `${label} on ${text(card).slice(0, 300)}`).toBeDefined();
  return action as { verb: string; data: Record<string, unknown> };
};

const plan = (lead: string) => ({
  title: 'Q4 audit of the fraud model',
  clauses: '9.2, 10.2',
  controls: 'A.6.2.6',
  systems: systemId,
  plannedStart: '2026-12-01',
  plannedEnd: '2026-12-05',
  lead,
});

beforeEach(async () => {
  ({ teams, systemId } = await startTeamsWorkspace({}, { people: [OWNER, LEAD, MEMBER] }));
});
afterEach(async () => {
  await teams.close();
});

describe('internal audits and nonconformities on Teams, end to end', () => {
  it('refuses the owner of an AI system in scope as its auditor, naming the system; nothing is written', async () => {
    const form = await say(ADMIN, 'aims audit plan');
    const refused = await click(ADMIN, fillCard(form, 'Plan audit', plan(OWNER.user)));
    expect(text(refused)).toContain('owns AI system Fraud Scorer in the scope of this audit: an auditor may not audit their own work.');
    expect(await sql().count('internal_audits')).toBe(0);
  });

  it('an admin who plans an audit they lead alone is not told “the auditors were told”', async () => {
    const planned = await click(ADMIN, fillCard(await say(ADMIN, 'aims audit plan'), 'Plan audit', { ...plan(ADMIN.user), systems: '' }));
    expect(text(planned)).toContain('Planned AUD-1.');
    expect(text(planned)).not.toContain('The auditors were told');
    expect(teams.connector.activities.filter((entry) => text(entry.activity).includes('You are an auditor of AUD-1'))).toEqual([]);
  });

  it('an audit with a minor nonconformity: corrective action, done, effectiveness check by another person, closed; clause 9.2 covered', async () => {
    expect(await clausesCovered()).toMatch(/^\d+ of 14/);
    expect(await clausesCovered()).not.toContain('9.2');
    const planned = await click(ADMIN, fillCard(await say(ADMIN, 'aims audit plan'), 'Plan audit', plan(LEAD.user)));
    expect(text(planned)).toContain('Planned AUD-1. The auditors were told.');
    const dm = teams.connector.activities.filter(
      (entry) => entry.method === 'POST' && text(entry.activity).includes('You are an auditor of AUD-1'),
    );
    expect(dm.map((entry) => entry.path.split('/')[3])).toEqual(['conv-personal-aad-lead']);

    const findingForm = await say(LEAD, 'aims audit AUD-1 finding');
    const finding = { kind: 'minor-nc', clause: 'A.6.2.6', description: 'Drift reviews skipped in November.', recordRef: 'R-1' };
    expect(text(await click(LEAD, fillCard(findingForm, 'Log finding', { ...finding, clause: '11.4' })))).toContain(
      '“11.4” is not a clause or an Annex A control of annex-a.json',
    );
    const logged = await click(LEAD, fillCard(findingForm, 'Log finding', finding));
    expect(text(logged)).toContain('Logged AUD-1 F1: minor nonconformity against A.6.2.6.');

    // The finding's button opens nonconformity.log in place, filled in from the finding.
    const ncForm = await click(LEAD, button(logged, 'Log NC from F1'));
    expect(text(ncForm)).toContain('Drift reviews skipped in November.');
    const ncSaved = await click(LEAD, fillCard(ncForm, 'Log nonconformity', { owner: MEMBER.user }));
    expect(text(ncSaved)).toContain('Logged NC-1 from AUD-1.');

    const ncCard = await say(MEMBER, 'aims audit NC-1');
    const actionForm = await click(MEMBER, button(ncCard, 'Raise corrective action'));
    const raised = await click(
      MEMBER,
      fillCard(actionForm, 'Raise action', {
        rootCause: 'The drift job had no owner while Olivia was away.',
        title: 'Name a deputy for the drift review',
        owner: MEMBER.user,
        dueDate: '2026-12-20',
        checker: LEAD.user,
      }),
    );
    expect(text(raised)).toMatch(/Corrective action #\d+ raised for NC-1/);
    const done = await click(MEMBER, button(raised, 'Action done'));
    expect(text(done)).toContain('its effectiveness check is due.');
    expect(
      teams.connector.activities.some(
        (entry) => entry.path.includes('conv-personal-aad-lead') && text(entry.activity).includes('please check its effectiveness'),
      ),
    ).toBe(true);

    // The owner of the action is refused; a failed check by the checker opens the action again; a pass closes NC-1.
    const ownCheck = await click(MEMBER, button(done, 'Check effectiveness'));
    expect(text(await click(MEMBER, fillCard(ownCheck, 'Record check', { result: 'passed' })))).toContain(
      'The owner of the action cannot check its effectiveness',
    );
    const leadCard = await say(LEAD, 'aims audit NC-1');
    const failForm = await click(LEAD, button(leadCard, 'Check effectiveness'));
    expect(text(await click(LEAD, fillCard(failForm, 'Record check', { result: 'failed' })))).toContain('Say what is still wrong');
    const failed = await click(LEAD, fillCard(failForm, 'Record check', { result: 'failed', note: 'The deputy was not told.' }));
    expect(text(failed)).toContain('it is open again and its owner was told.');
    expect(await sql().get('SELECT status, check_result AS result FROM corrective_actions')).toEqual({ status: 'open', result: 'failed' });
    expect(await sql().get('SELECT status FROM nonconformities')).toEqual({ status: 'action' });
    await click(MEMBER, button(await say(MEMBER, 'aims audit NC-1'), 'Action done'));
    const passForm = await click(LEAD, button(await say(LEAD, 'aims audit NC-1'), 'Check effectiveness'));
    const closed = await click(LEAD, fillCard(passForm, 'Record check', { result: 'passed', note: 'Deputy ran the December review.' }));
    expect(text(closed)).toContain('NC-1 is closed.');
    expect(await sql().get('SELECT status FROM nonconformities')).toEqual({ status: 'closed' });
    expect(await sql().get('SELECT status, check_result AS result FROM corrective_actions')).toEqual({ status: 'done', result: 'passed' });

    expect(await clausesCovered()).toContain('9.2');
    expect(text(await say(LEAD, 'aims audit list'))).toContain('AUD-1');
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('a nonconformity logged from a finding starts owned by the owner of the record it concerns, who is told and then nudged', async () => {
    await click(ADMIN, fillCard(await say(ADMIN, 'aims audit plan'), 'Plan audit', plan(LEAD.user)));
    const finding = { kind: 'major-nc', clause: 'A.6.2.6', description: 'No drift review since launch.', recordRef: 'Fraud Scorer' };
    const logged = await click(LEAD, fillCard(await say(LEAD, 'aims audit AUD-1 finding'), 'Log finding', finding));
    const ncForm = await click(LEAD, button(logged, 'Log NC from F1'));
    // Nothing chosen: the owner of the Fraud Scorer (the record the finding concerns) is the form's owner.
    expect(text(ncForm)).toContain(OWNER.user);
    const saved = await click(LEAD, fillCard(ncForm, 'Log nonconformity', {}));
    expect(text(saved)).toContain('Logged NC-1 from AUD-1.');
    const ownerId = (await sql().get<{ id: number }>('SELECT id FROM people WHERE external_id = ?', OWNER.user))?.id;
    expect(await sql().get('SELECT owner_person_id AS owner FROM nonconformities')).toEqual({ owner: ownerId });
    const told = teams.connector.activities.filter(
      (entry) =>
        entry.method === 'POST' && entry.path.split('/')[3] === `conv-personal-${OWNER.user}` && text(entry.activity).includes('NC-1'),
    );
    expect(told).toHaveLength(1);
    expect(text(saved)).toContain('Its owner was told and raises the corrective action.');

    // A record the bot does not know: nobody is chosen; the lead who owns it himself is told "you".
    const other = { ...finding, kind: 'minor-nc', description: 'Two findings of the last audit still open.', recordRef: 'R-99' };
    const second = await click(LEAD, fillCard(await say(LEAD, 'aims audit AUD-1 finding'), 'Log finding', other));
    const form2 = await click(LEAD, button(second, 'Log NC from F2'));
    expect(text(await click(LEAD, fillCard(form2, 'Log nonconformity', {})))).toContain('Choose who owns the nonconformity.');
    expect(text(await click(LEAD, fillCard(form2, 'Log nonconformity', { owner: LEAD.user })))).toContain(
      'Logged NC-2 from AUD-1. You own it: raise its corrective action (you are nudged until you do).',
    );
  });

  it('"Complete audit" asks first (a confirmation card in place of the card): "Not yet" changes nothing, "Complete" completes', async () => {
    await click(ADMIN, fillCard(await say(ADMIN, 'aims audit plan'), 'Plan audit', plan(LEAD.user)));
    const card = await say(LEAD, 'aims audit AUD-1');
    const confirm = await click(LEAD, button(card, 'Complete audit'));
    expect(text(confirm)).toContain('Complete AUD-1?');
    expect(Object.keys(executeActions(confirm))).toEqual(['Complete', 'Not yet']);
    expect(await sql().get('SELECT status FROM internal_audits')).toEqual({ status: 'planned' });
    const back = await click(LEAD, button(confirm, 'Not yet'));
    expect(Object.keys(executeActions(back))).toContain('Complete audit');
    expect(await sql().get('SELECT status FROM internal_audits')).toEqual({ status: 'planned' });
    const done = await click(LEAD, button(confirm, 'Complete'));
    expect(text(done)).toContain('completed');
    expect(await sql().get('SELECT status FROM internal_audits')).toEqual({ status: 'completed' });
    // The server checks still: a member clicking the confirmed action is refused; the lead's second click changes nothing.
    expect(text(await click(MEMBER, button(confirm, 'Complete')))).toContain('Only the lead auditor of AUD-1 or an admin can complete it.');
    expect(text(await click(LEAD, button(confirm, 'Complete')))).toContain('AUD-1 was already completed.');
    expect(await sql().count('audit_events', "action = 'internal_audit.completed'")).toBe(1);
  });

  it('the nonconformity.log form opened with source "objective" stores an NC tied to that ref; another tenant sees no AUD-1', async () => {
    const ownerId = (await sql().get<{ id: number }>('SELECT id FROM people WHERE external_id = ?', OWNER.user))?.id;
    const open = {
      verb: 'aims.act',
      data: {
        aims: {
          action: 'form.open',
          args: {
            form: 'nonconformity.log',
            source: 'objective',
            ref: 'OBJ-2',
            clause: '9.1',
            description: 'Fraud recall on holdout 0.88, target >= 0.92, on 2026-12-01',
            owner: String(ownerId),
          },
        },
      },
    };
    const form = await click(OWNER, open);
    expect(text(form)).toContain('From objective OBJ-2');
    const saved = await click(OWNER, fillCard(form, 'Log nonconformity', {}));
    expect(text(saved)).toContain('Logged NC-1 from OBJ-2.');
    expect(await sql().get('SELECT source, source_ref AS ref, clause, owner_person_id AS owner FROM nonconformities')).toEqual({
      source: 'objective',
      ref: 'OBJ-2',
      clause: '9.1',
      owner: ownerId,
    });

    await click(ADMIN, fillCard(await say(ADMIN, 'aims audit plan'), 'Plan audit', plan(LEAD.user)));
    const outsider = { user: 'aad-admin', name: 'Alice Elsewhere', tenant: 'tenant-2' };
    await say(outsider, 'aims status', { tenant: 'tenant-2' });
    const answer = text(await say(outsider, 'aims audit AUD-1', { tenant: 'tenant-2' }));
    expect(answer).toContain('There is no AUD-1 in this workspace.');
    expect(answer).not.toContain('Q4 audit');
  });
});

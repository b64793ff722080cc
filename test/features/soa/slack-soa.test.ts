import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../../src/store/open-store.ts';
import { runAims } from '../../helpers/run-aims.ts';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { startSlackOnStoreFile } from '../../helpers/slack-job-workspace.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { slackWorkspace } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startSlackOnStoreFile>>;
type Json = Record<string, unknown>;
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const APPROVER1 = { user: 'U0APP1', name: 'ann' };
const APPROVER2 = { user: 'U0APP2', name: 'ben' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);
const aims = async (...args: string[]) =>
  await runAims(args, isPostgresUrl(slack.dbPath) ? { AIMS_DATABASE_URL: slack.dbPath } : { AIMS_DB: slack.dbPath });

/** The SoA card as last posted or updated in the approvals channel. */
function approvalsCard(): Json | undefined {
  return calls('*')
    .filter(
      (call) =>
        (call.method === 'chat.postMessage' || call.method === 'chat.update') &&
        call.args.channel === 'C0APP' &&
        text(call.args.blocks).includes('Statement of Applicability'),
    )
    .at(-1)?.args;
}

/** Clicks a button of the SoA card in the approvals channel; returns what the clicker was answered. */
async function clickOnCard(who: { user: string; name: string }, label: string, card: Json | undefined = approvalsCard()) {
  const button = buttonsOf(card)[label];
  expect(button, `${label} on the SoA card`).toBeDefined();
  const ts = calls('chat.postMessage').find((call) => call.args.channel === 'C0APP' && text(call.args.blocks).includes('Statement of'))?.ts;
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${label}`), {
    channel: 'C0APP',
    ts: ts ?? '',
  });
  return calls('response_url').at(-1)?.args;
}

/** Clicks a button of a private answer (an ephemeral message in the channel the command was typed in). */
async function clickPrivate(who: { user: string; name: string }, answer: Json | undefined, label: string) {
  const button = buttonsOf(answer)[label];
  expect(button, `${label} in ${text(answer).slice(0, 200)}`).toBeDefined();
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-p-${label}`));
  return calls('response_url').at(-1)?.args;
}

/** `/aims soa edit <id>`, submitted with these values. */
async function editControl(who: { user: string; name: string }, id: string, values: Record<string, string>, viewId: string) {
  const form = await openModal(who, `soa edit ${id}`);
  return await submitModal(slack.eventsUrl, form, values, who, viewId);
}

const A626 = { applicable: 'yes', justification: 'Treats R-1 (drift of the Fraud Scorer).', state: 'implemented', owner: 'U0OWNER' };

// Each test has its own bot and store (a file on SQLite, a database on PostgreSQL, so that the CLI opens it too):
// a workspace with its channels set up (two approvals), the Fraud Scorer owned by Olivia, and two approvers.
beforeEach(async () => {
  slack = await startSlackOnStoreFile(
    { AIMS_ADMINS: 'slack:U0ADMIN' },
    { users: { U0OWNER: 'Olivia Owner', U0APP1: 'Ann Approver', U0APP2: 'Ben Approver' } },
  );
  await slackWorkspace(slack);
  await command(ADMIN, 'role grant <@U0APP1> approver');
  await command(ADMIN, 'role grant <@U0APP2> approver');
});
afterEach(async () => {
  try {
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
  } finally {
    await slack.close();
  }
});

describe('the Statement of Applicability on Slack', () => {
  it('a fresh SoA lists all 38 controls: the summary, one control, and the CSV export of header + 38 rows', async () => {
    const summary = (await command(MEMBER, 'soa')).json;
    expect(text(summary)).toContain('38 of 38 controls');
    expect(text(summary)).toContain('Never approved');
    expect(text(summary)).toContain('No control claims “implemented” without evidence');
    const one = text((await command(MEMBER, 'soa A.6.2.6')).json);
    expect(one).toContain('A.6.2.6 AI system operation and monitoring');
    expect(one).toContain('none in 12 months');
    const csv = await aims('soa', 'export', '--format', 'csv');
    expect(csv.err).toBe('');
    expect(csv.code).toBe(0);
    const lines = csv.out.trimEnd().split('\n');
    expect(lines).toHaveLength(39);
    expect(lines[0]).toBe('Control,Group,Title,Applicable,Justification,State,Owner,Evidence kinds,Evidence (12 months),Last evidence');
    expect(lines[1]).toBe('A.2.2,A.2 Policies related to AI,AI policy,yes,,Planned,,policy policy:acknowledgement,0,');
  });

  it('edits a control in the modal: an exclusion needs a justification, an id outside Annex A is an error at the field; evidence is live', async () => {
    const excluded = await editControl(ADMIN, 'A.6.2.6', { ...A626, applicable: 'no', justification: '' }, 'V0SOA1');
    expect(excluded.json).toEqual({
      response_action: 'errors',
      errors: { justification: 'An excluded control needs a justification: say why it does not apply.' },
    });
    const unknown = await editControl(ADMIN, 'A.6.2.6', { ...A626, controlId: 'A.6.2.99' }, 'V0SOA1');
    expect(unknown.json).toEqual({
      response_action: 'errors',
      errors: { controlId: 'Not an Annex A control: use an id such as A.6.2.6.' },
    });
    // Typed with the command, the unknown id is refused before any form opens.
    expect(text((await command(ADMIN, 'soa edit A.99')).json)).toContain('A.99 is not an Annex A control.');
    expect(calls('views.open')).toHaveLength(4);
    // A member who does not own the control may not change it.
    const refused = await editControl(MEMBER, 'A.6.2.6', A626, 'V0SOAM');
    expect(text(refused.json)).toContain("Only an admin or the control's owner can change A.6.2.6");
    const saved = await editControl(ADMIN, 'A.6.2.6', A626, 'V0SOA1');
    expect(text(saved.json)).toContain('Saved A.6.2.6.');
    // The same submission again changes nothing (and audits nothing).
    expect(text((await editControl(ADMIN, 'A.6.2.6', A626, 'V0SOA1')).json)).toContain('Nothing changed in A.6.2.6.');
    expect(await sql().count('audit_events', 'action = ?', 'soa.control.updated')).toBe(1);
    // Implemented, but nothing recorded: the summary names it.
    const before = text((await command(MEMBER, 'soa')).json);
    expect(before).toContain('Implemented, but no evidence in the last 12 months (1)');
    expect(before).toContain('A.6.2.6 AI system operation and monitoring');
    // An incident on the Fraud Scorer is evidence of A.6.2.6 (annex-a.json: review:drift, incident).
    const systemId = String((await sql().get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id);
    await submitModal(
      slack.eventsUrl,
      await openModal(MEMBER, 'incident Scorer flags every payment from one bank'),
      {
        severity: 'S3',
        type: 'model-drift',
        description: 'Most payments of one bank are flagged.',
        affected: 'Customers of one bank.',
        detectedAt: '2026-11-22T08:30:00.000Z',
        aiSystem: systemId,
      },
      MEMBER,
      'V0INC',
    );
    const one = text((await command(MEMBER, 'soa A.6.2.6')).json);
    expect(one).toContain('1 record(s) of review:drift, incident or risks it treats');
    expect(one).toContain('22 Nov 2026');
    expect(one).toContain('<@U0OWNER>');
    expect(text((await command(MEMBER, 'soa')).json)).toContain('No control claims');
    const row = (await aims('soa', 'export', '--format', 'csv')).out.split('\n').find((line) => line.startsWith('A.6.2.6,'));
    expect(row).toBe(
      'A.6.2.6,A.6 AI system life cycle,AI system operation and monitoring,yes,Treats R-1 (drift of the Fraud Scorer).,Implemented,Olivia Owner,review:drift incident,1,2026-11-22',
    );
    // The status shows the SoA through the feature contract.
    const status = text((await command(ADMIN, 'status')).json);
    expect(status).toContain('Statement of Applicability');
    expect(status).toContain('1 implemented');
  });

  it('approval: requested into the approvals channel, never by the last editor, two approvers; an edit after it says "changed since v1"', async () => {
    await editControl(ADMIN, 'A.6.2.6', A626, 'V0SOA1');
    await command(ADMIN, 'role grant <@U0ADMIN> approver');
    const asked = (await command(ADMIN, 'soa approve')).json;
    expect(text(asked)).toContain('Request approval of the SoA as it stands');
    const requested = await clickPrivate(ADMIN, asked, 'Request approval');
    expect(text(requested)).toContain('Requested approval of SoA v1. Posted to #ai-approvals for approval');
    expect(text(approvalsCard()?.blocks)).toContain('Statement of Applicability · SoA v1');
    expect(text(approvalsCard()?.blocks)).toContain('0 of 2');
    // The admin edited it last: an approver, but not of their own edit.
    const own = await clickOnCard(ADMIN, 'Approve SoA v1');
    expect(text(own)).toContain('You edited the SoA last, so you cannot approve SoA v1: someone else must.');
    const member = await clickOnCard(MEMBER, 'Approve SoA v1');
    expect(text(member)).toContain('Only approvers can approve the Statement of Applicability.');
    expect(text(await clickOnCard(APPROVER1, 'Approve SoA v1'))).toContain('Your approval is recorded.');
    expect(text(await clickOnCard(APPROVER1, 'Approve SoA v1'))).toContain('You already approved SoA v1; it counts once.');
    expect(text(approvalsCard()?.blocks)).toContain('1 of 2 (Ann Approver)');
    expect(text(await clickOnCard(APPROVER2, 'Approve SoA v1'))).toContain('SoA v1 is approved.');
    expect(text(approvalsCard()?.blocks)).toContain('SoA v1 approved on');
    expect(buttonsOf(approvalsCard())['Approve SoA v1']).toBeUndefined();
    const decisions = await sql().all<{ hash: string }>('SELECT content_hash AS hash FROM soa_decisions ORDER BY id');
    expect(decisions).toHaveLength(2);
    expect(decisions[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(text((await command(ADMIN, 'soa')).json)).not.toContain('changed since');
    // An edit after the approval: the SoA says so, and so does the card in the approvals channel.
    // From the card in the approvals channel: Edit a control… opens the modal, the control to be named in it.
    const opened = calls('views.open').length;
    await clickOnCard(OWNER, 'Edit a control…');
    expect(calls('views.open')).toHaveLength(opened + 1);
    const modal = calls('views.open').at(-1)?.args.view as Json;
    const edited = await submitModal(slack.eventsUrl, modal, { ...A626, controlId: 'A.6.2.6', state: 'partial' }, OWNER, 'V0SOA2');
    expect(text(edited.json)).toContain('Saved A.6.2.6. The SoA has changed since v1.');
    expect(text((await command(MEMBER, 'soa')).json)).toContain('SoA v1 approved on');
    expect(text((await command(MEMBER, 'soa')).json)).toContain('changed since v1');
    expect(text(approvalsCard()?.blocks)).toContain('changed since v1');
    // v2 waits; an edit while it waits drops its approval, and the old card's button no longer signs it.
    await clickPrivate(OWNER, (await command(OWNER, 'soa approve')).json, 'Request approval');
    const v2 = approvalsCard();
    expect(text(await clickOnCard(APPROVER1, 'Approve SoA v2', v2))).toContain('Your approval is recorded.');
    const again = await editControl(OWNER, 'A.6.2.6', { ...A626, state: 'implemented' }, 'V0SOA3');
    expect(text(again.json)).toContain('1 approval(s) of the version waiting were dropped.');
    expect(text(approvalsCard()?.blocks)).toContain('0 of 2');
    const stale = await clickOnCard(APPROVER2, 'Approve SoA v2', v2);
    expect(text(stale)).toContain('The SoA was edited since you saw SoA v2.');
    expect(text(await clickOnCard(APPROVER1, 'Approve SoA v2'))).toContain('Your approval is recorded.');
    expect(text(await clickOnCard(ADMIN, 'Approve SoA v2'))).toContain('SoA v2 is approved.');
    expect(await sql().all('SELECT version, status FROM soa_versions ORDER BY version')).toEqual([
      { version: 1, status: 'superseded' },
      { version: 2, status: 'approved' },
    ]);
    const verified = await aims('audit', 'verify');
    expect(verified.out).toMatch(/OK: audit chain of workspace \S+ intact/);
    expect(verified.code).toBe(0);
  });

  it('exports xlsx: header frozen, filters on, one row per control; --workspace chooses when the store holds two', async () => {
    await editControl(ADMIN, 'A.2.3', { applicable: 'no', justification: 'No other policies yet.', state: 'planned' }, 'V0SOAX');
    // Another workspace meets the bot: its SoA is its own.
    const other = { user: 'U0OTHER', name: 'otto', team: 'T0OTHER' };
    expect(text((await command(other, 'soa A.2.3')).json)).toContain('Yes');
    const dir = mkdtempSync(join(tmpdir(), 'aims-soa-'));
    try {
      const refused = await aims('soa', 'export', '--format', 'xlsx', '--out', join(dir, 'soa.xlsx'));
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('The store holds 2 workspaces: choose one with --workspace.');
      expect(refused.err).not.toContain('Usage:');
      const file = join(dir, 'soa.xlsx');
      const wrote = await aims('soa', 'export', '--format', 'xlsx', '--out', file, '--workspace', 'T0TEST');
      expect(wrote.err).toBe('');
      expect(wrote.out).toContain('Wrote 38 row(s) of the Statement of Applicability');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const sheet = workbook.worksheets[0];
      expect(sheet?.name).toBe('Statement of Applicability');
      expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet?.autoFilter).toBeTruthy();
      expect(sheet?.rowCount).toBe(39);
      expect(sheet?.getRow(1).getCell(1).value).toBe('Control');
      expect(sheet?.getRow(3).values).toEqual(
        expect.arrayContaining(['A.2.3', 'Alignment with other organizational policies', 'no', 'No other policies yet.']),
      );
      const otherCsv = await aims('soa', 'export', '--format', 'csv', '--workspace', 'T0OTHER');
      expect(otherCsv.out.split('\n').find((line) => line.startsWith('A.2.3,'))).toContain(',yes,,Planned,');
      const badFormat = await aims('soa', 'export', '--format', 'pdf', '--workspace', 'T0TEST');
      expect(badFormat.code).toBe(2);
      expect(badFormat.err).toContain('needs --format csv or --format xlsx');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

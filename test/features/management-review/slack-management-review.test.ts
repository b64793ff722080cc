import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buttonsOf, clickButton, submitModal } from '../../helpers/slack-interactions.ts';
import { movableClock, startSlackHarness, TEST_START } from '../../helpers/start-test-app.ts';
import { SLACK_CHANNELS, slackWorkspace } from '../../helpers/workspace-builders.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { checkSlackMessage } from '../../helpers/slack-limits.ts';
import { parseArgs } from '../../../src/cli/cli-args.ts';
import { runReviewExport } from '../../../src/cli/management-review-export.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
type Json = Record<string, unknown>;
let slack: Harness;
let systemId = '';
let clock: ReturnType<typeof movableClock>;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const LEADER = { user: 'U0LEAD', name: 'lena' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };
const REPORTER = { user: 'U0REP', name: 'rita' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);
const reviewRow = async (number: number) =>
  await sql().get<{ id: number; status: string; inputs: string; chair: number | null; attendees: string }>(
    'SELECT id, status, inputs, chair_person_id AS chair, attendees FROM management_reviews WHERE number = ?',
    number,
  );
const inputsOf = async (number: number) =>
  JSON.parse((await reviewRow(number))?.inputs ?? '[]') as Array<{ section: string; text: string; ref?: string }>;

/** Clicks a button of INC-1's card as last shown in the incidents channel. */
async function clickIncident(who: { user: string; name: string }, label: string): Promise<void> {
  const cards = [...calls('chat.postMessage'), ...calls('chat.update')].filter(
    (call) => call.args.channel === 'C0INC' && text(call.args.blocks).includes('INC-1 ·'),
  );
  const latest = cards.sort((a, b) => calls('*').indexOf(a) - calls('*').indexOf(b)).at(-1);
  const button = buttonsOf(latest?.args)[label];
  expect(button, `button ${label}`).toBeDefined();
  const ts =
    calls('chat.postMessage').find((call) => call.args.channel === 'C0INC' && text(call.args.blocks).includes('INC-1 ·'))?.ts ?? '';
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${label}`), { channel: 'C0INC', ts });
}

/** An S2 incident on the Fraud Scorer, resolved with a corrective action; a drift review done with findings; a high risk. */
async function seedTheQuarter(): Promise<void> {
  const incident = await openModal(REPORTER, 'incident Scorer flags every payment from one bank');
  await submitModal(
    slack.eventsUrl,
    incident,
    {
      severity: 'S2',
      type: 'model-drift',
      description: 'The scorer flags most payments from one bank.',
      affected: 'Customers of one bank.',
      detectedAt: '2026-11-22T08:30:00.000Z',
      aiSystem: systemId,
    },
    REPORTER,
    'V0INC1',
  );
  await clickIncident(MEMBER, 'Acknowledge');
  await submitModal(slack.eventsUrl, calls('views.open').at(-1)?.args.view as Json, {}, MEMBER, 'V0ACK');
  await clickIncident(OWNER, 'Mitigated');
  await clickIncident(OWNER, 'Resolve…');
  await submitModal(
    slack.eventsUrl,
    calls('views.open').at(-1)?.args.view as Json,
    { rootCause: 'A bank changed its BIN ranges.', action1Title: 'Add BIN range monitoring', action1Due: '2026-12-01' },
    OWNER,
    'V0RES',
  );
  expect(await sql().count('corrective_actions')).toBe(1);

  const schedule = await openModal(ADMIN, 'review add');
  await submitModal(
    slack.eventsUrl,
    schedule,
    { kind: 'drift-review', aiSystem: systemId, owner: OWNER.user, cadenceDays: '90', nextDue: '2026-11-22' },
    ADMIN,
    'V0REVADD',
  );
  const id = (await sql().get<{ id: number }>("SELECT id FROM review_schedules WHERE kind = 'drift-review' ORDER BY id DESC"))?.id;
  const done = await openModal(OWNER, `review done ${id}`);
  await submitModal(slack.eventsUrl, done, { outcome: 'findings', findings: 'PSI above 0.2 on two features.' }, OWNER, 'V0REVDONE');
  expect(await sql().count('review_completions')).toBe(1);

  const risk = await openModal(ADMIN, 'risk add');
  await submitModal(
    slack.eventsUrl,
    risk,
    {
      title: 'Thin-file applicants declined unfairly',
      description: 'Short credit histories are scored as fraud.',
      systems: systemId,
      category: 'fairness',
      phase: 'operation',
      owner: OWNER.user,
      inherentLikelihood: '4',
      inherentImpact: '4',
      treatment: 'mitigate',
      plan: 'Reweigh the training data.',
      controls: 'A.6.2.6',
      residualLikelihood: '3',
      residualImpact: '4',
      reviewEveryDays: '90',
      action1Title: 'Add a decline-rate monitor per segment',
      action1Owner: OWNER.user,
      action1Due: '2026-12-15',
    },
    ADMIN,
    'V0RISK1',
  );
  expect(await sql().get('SELECT residual_level AS level FROM risks WHERE number = 1')).toEqual({ level: 'high' });
}

beforeEach(async () => {
  // The quarter's records are made at 10:00, the reviews opened later that day (a review presents what came before it).
  clock = movableClock(TEST_START);
  slack = await startSlackHarness(
    { AIMS_ADMINS: 'slack:U0ADMIN' },
    { users: { U0OWNER: 'Olivia Owner', U0MEMBER: 'Mia Member', U0REP: 'Rita Reporter', U0LEAD: 'Lena Leader' }, channels: SLACK_CHANNELS },
    clock,
  );
  ({ systemId } = await slackWorkspace(slack));
  await command(ADMIN, 'role grant <@U0LEAD> leadership');
});
afterEach(async () => {
  try {
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    expect((await slack.app.store.auditReport()).disagreements).toEqual([]);
  } finally {
    await slack.close();
  }
});

describe('management review on Slack, end to end', () => {
  it('opened after an incident, a drift review and a high risk, lists them; a decision and an action; the chair closes it, which locks it; the open action carries forward; 9.3 is covered', async () => {
    await seedTheQuarter();
    // The clauses status lists with records ("Clauses with records: 5 of 14 (6.1.2, ...)").
    const clauses = async () =>
      (/Clauses with records\*\\n\d+ of \d+ \(([^)]*)\)/.exec(text((await command(ADMIN, 'status')).json))?.[1] ?? '').split(', ');
    expect(await clauses()).toContain('9.1');
    expect(await clauses()).not.toContain('9.3');

    // A member may not open one.
    expect(text((await command(MEMBER, 'management-review')).json)).toContain('Only leadership or an admin can open a management review.');
    expect(await sql().count('management_reviews')).toBe(0);

    clock.set('2026-11-22T14:00:00.000Z');
    const viewsBefore = calls('views.open').length;
    const form = await openModal(LEADER, 'management-review');
    expect(text(form)).toContain('Its inputs (clause 9.3.2) are gathered from the store when you open it');
    const opened = text((await submitModal(slack.eventsUrl, form, { chair: 'U0LEAD' }, LEADER, 'V0MR1')).json);
    // A double click opens one review.
    await submitModal(slack.eventsUrl, form, { chair: 'U0LEAD' }, LEADER, 'V0MR1');
    expect(opened).toContain('Opened MR-1 with 7 input(s) gathered from the store. Posted to #ai-leadership');
    expect(opened).toContain('Nonconformities and corrective actions');
    const inputs = await inputsOf(1);
    const line = (section: string, part: string) => inputs.find((item) => item.section === section && item.text.includes(part));
    expect(line('monitoring', 'INC-1 (S2) Scorer flags every payment from one bank: resolved')).toBeDefined();
    expect(line('nonconformities', 'Corrective action #1 of INC-1: Add BIN range monitoring')).toBeDefined();
    expect(line('monitoring', 'Drift review of Fraud Scorer done 2026-11-22: Findings (PSI above 0.2 on two features.)')).toBeDefined();
    expect(line('context-changes', 'New high risk R-1: Thin-file applicants declined unfairly')).toBeDefined();
    expect(line('context-changes', 'New AI system Fraud Scorer')).toBeDefined();
    expect(line('risks', 'R-1 Thin-file applicants declined unfairly: residual high, mitigate')).toBeDefined();
    expect(inputs.filter((item) => item.section === 'previous-actions')).toEqual([]);
    // Its card goes to the leadership channel; the chair is the leader who opened it.
    const leadershipPost = () =>
      calls('chat.postMessage').find((call) => call.args.channel === 'C0LEAD' && text(call.args.blocks).includes('MR-1 ·'));
    const posted = leadershipPost();
    expect(text(posted?.args.blocks)).toContain('Drift review of Fraud Scorer');
    const lead = await sql().get<{ id: number }>("SELECT id FROM people WHERE external_id = 'U0LEAD'");
    expect((await reviewRow(1))?.chair).toBe(lead?.id);
    // Opening again answers with the open one.
    expect(text((await command(ADMIN, 'mr')).json)).toContain('MR-1 is open: close it before opening the next.');
    expect(calls('views.open').length).toBe(1 + viewsBefore);
    expect(await sql().count('management_reviews')).toBe(1);

    // A decision typed in, and one from the modal.
    expect(text((await command(LEADER, 'mr MR-1 decision Fund a second drift monitor <!channel>')).json)).toContain(
      'Recorded decision 1 of MR-1.',
    );
    const decisionForm = await openModal(ADMIN, 'mr MR-1 decision');
    const empty = await submitModal(slack.eventsUrl, decisionForm, { decision: '' }, ADMIN, 'V0DEC2');
    expect(empty.json).toEqual({ response_action: 'errors', errors: { decision: 'The decision is required.' } });
    await submitModal(slack.eventsUrl, decisionForm, { decision: 'Keep the AI policy as it is.' }, ADMIN, 'V0DEC2');
    await submitModal(slack.eventsUrl, decisionForm, { decision: 'Keep the AI policy as it is.' }, ADMIN, 'V0DEC2');
    expect(await sql().all('SELECT number, text FROM management_review_decisions ORDER BY number')).toEqual([
      { number: 1, text: 'Fund a second drift monitor <!channel>' },
      { number: 2, text: 'Keep the AI policy as it is.' },
    ]);

    // An action without an owner, or due in the past, is refused at its field; then one is recorded and its owner told.
    const actionForm = await openModal(LEADER, 'mr MR-1 action');
    const noOwner = await submitModal(slack.eventsUrl, actionForm, { title: 'Retrain quarterly', due: '2026-12-31' }, LEADER, 'V0ACT1');
    expect(noOwner.json).toEqual({ response_action: 'errors', errors: { owner: 'Choose who owns the action.' } });
    const past = await submitModal(
      slack.eventsUrl,
      actionForm,
      { title: 'Retrain quarterly', owner: OWNER.user, due: '2026-11-01' },
      LEADER,
      'V0ACT1',
    );
    expect(past.json).toEqual({
      response_action: 'errors',
      errors: { due: 'The due date 2026-11-01 is in the past (today is 2026-11-22).' },
    });
    expect(await sql().count('management_review_actions')).toBe(0);
    const added = await submitModal(
      slack.eventsUrl,
      actionForm,
      { title: 'Retrain quarterly', owner: OWNER.user, due: '2026-12-31' },
      LEADER,
      'V0ACT1',
    );
    expect(text(added.json)).toContain('Added MR-1 action 1, due 2026-12-31.');
    expect(await sql().all('SELECT number, title, status, due_date AS due FROM management_review_actions')).toEqual([
      { number: 1, title: 'Retrain quarterly', status: 'open', due: '2026-12-31' },
    ]);
    const told = calls('chat.postMessage').find(
      (call) => call.args.channel === 'U0OWNER' && text(call.args.blocks).includes('gave you an action'),
    );
    expect(told).toBeDefined();

    // Attendees and the chair: the chair must hold the leadership role.
    const attendees = await openModal(ADMIN, 'mr MR-1 attendees');
    const notLeader = await submitModal(slack.eventsUrl, attendees, { attendees: 'U0OWNER,U0ADMIN', chair: 'U0ADMIN' }, ADMIN, 'V0ATT');
    expect(notLeader.json).toEqual({
      response_action: 'errors',
      errors: { chair: 'The chair must hold the leadership role (an admin grants it: role grant @name leadership).' },
    });
    await submitModal(slack.eventsUrl, attendees, { attendees: 'U0OWNER,U0ADMIN', chair: 'U0LEAD' }, ADMIN, 'V0ATT');
    expect(JSON.parse((await reviewRow(1))?.attendees ?? '[]')).toHaveLength(3);

    // The card everyone sees escapes what people typed.
    const card = text((await command(MEMBER, 'mr MR-1')).json);
    expect(card).toContain('&lt;!channel&gt;');
    expect(card).toContain('MR-1 action 1: Retrain quarterly');

    // Only the chair closes it; closed, it is locked.
    expect(text((await command(ADMIN, 'mr MR-1 close')).json)).toContain('Only the chair of MR-1, Lena Leader, can close it.');
    expect((await reviewRow(1))?.status).toBe('open');
    const closeButton = buttonsOf(posted?.args)['Close review'];
    expect(closeButton).toBeDefined();
    // Slack shows its confirm dialog before the click reaches the bot.
    expect(closeButton?.confirm).toMatchObject({ title: { text: 'Close MR-1?' }, confirm: { text: 'Close' }, deny: { text: 'Not yet' } });
    await clickButton(slack.eventsUrl, closeButton as Json, LEADER, slack.slackApi.responseUrl('lead-close'), {
      channel: 'C0LEAD',
      ts: posted?.ts ?? '',
    });
    expect(text(calls('response_url').at(-1)?.args)).toContain('Closed MR-1: its minutes are locked.');
    expect((await reviewRow(1))?.status).toBe('closed');
    const locked = text((await command(LEADER, 'mr MR-1 decision Add one more thing')).json);
    expect(locked).toContain('MR-1 is closed and locked');
    expect(text((await command(ADMIN, 'mr MR-1 action')).json)).toContain('MR-1 is closed and locked');
    expect(await sql().count('management_review_decisions')).toBe(2);
    expect(await clauses()).toContain('9.3');
    // Status has the area's section, and the message stays within Slack's 50 blocks with every area in it.
    const status = (await command(ADMIN, 'status')).json as { blocks: unknown[] };
    expect(text(status)).toContain('*Management review*');
    expect(text(status)).toMatch(/Last review\*\\nMR-1, opened \d{4}-\d{2}-\d{2} \(closed\)/);
    expect(text(status)).toContain('Chain head');
    expect(status.blocks.length).toBeLessThanOrEqual(50);

    // The next review, a day later, carries the open action forward.
    clock.set('2026-11-23T09:00:00.000Z');
    const second = await openModal(LEADER, 'mr');
    expect(text((await submitModal(slack.eventsUrl, second, {}, LEADER, 'V0MR2')).json)).toContain('Opened MR-2');
    const next = await inputsOf(2);
    expect(next.filter((item) => item.section === 'previous-actions')).toEqual([
      {
        section: 'previous-actions',
        ref: 'MR-1 action 1',
        text: 'MR-1 action 1: Retrain quarterly (owner Olivia Owner; open, due 2026-12-31)',
      },
    ]);
    // The incident and risk of the previous period are not presented again as new.
    expect(next.some((item) => item.text.includes('New high risk R-1'))).toBe(false);
    // The owner marks it done (a follow-up, still possible after the lock).
    expect(text((await command(OWNER, 'mr MR-1 action 1 done')).json)).toContain('MR-1 action 1 is done.');

    // The minutes as markdown and the pack as CSV.
    const dir = mkdtempSync(join(tmpdir(), 'mr-'));
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    expect(await runReviewExport('MR-1', slack.app.store, parseArgs(['--format', 'md']), io)).toBe(0);
    const minutes = lines.join('\n');
    expect(minutes).toContain('# MR-1 · Management review minutes');
    expect(minutes).toContain('### Nonconformities and corrective actions');
    expect(minutes).toContain('1. Fund a second drift monitor \\<!channel\\>');
    expect(minutes).toMatch(/\| MR-1 action 1 \| Retrain quarterly \| Olivia Owner \| 2026-12-31 \| done 2026-11-23 \|/);
    const csv = join(dir, 'mr1.csv');
    expect(await runReviewExport('MR-1', slack.app.store, parseArgs(['--format', 'csv', '--out', csv]), io)).toBe(0);
    const rows = readFileSync(csv, 'utf8').split('\r\n');
    expect(rows[0]).toBe('Review,Opened (UTC),Status,Chair,Closed (UTC),Line,Input section (9.3.2),Record,Text,Owner,Due,Action status');
    expect(rows.some((row) => row.includes('decision,,decision 2,Keep the AI policy as it is.'))).toBe(true);
  });

  it('40 decisions of 3,000 characters: the review card in the leadership channel and in chat stays within Slack’s limits, its buttons kept', async () => {
    const form = await openModal(LEADER, 'management-review');
    expect(text((await submitModal(slack.eventsUrl, form, { chair: 'U0LEAD' }, LEADER, 'V0MRBIG')).json)).toContain('Opened MR-1');
    for (let i = 1; i <= 40; i++) {
      const decision = `Decision ${i}: ${'fund the second drift monitor and report on it monthly. '.repeat(60)}`.slice(0, 3000);
      expect(text((await command(LEADER, `mr MR-1 decision ${decision}`)).json)).toContain(`Recorded decision ${i} of MR-1.`);
    }
    const shown = (await command(LEADER, 'mr MR-1')).json as Json;
    expect(checkSlackMessage(shown)).toEqual([]);
    expect(Object.keys(buttonsOf(shown))).toEqual(expect.arrayContaining(['Record decision', 'Close review']));
    // The card in the leadership channel is refreshed after each answer: the last refresh, within the limits too.
    const updates = () => calls('chat.update').filter((call) => call.args.channel === 'C0LEAD');
    await vi.waitFor(() => expect(text(updates().at(-1)?.args)).toContain('Decision 40:'), { timeout: 10_000 });
    expect(updates().flatMap((call) => call.problems)).toEqual([]);
  });

  it('closing without a chair: refused while no one holds the leadership role, nothing written', async () => {
    await command(ADMIN, 'role revoke <@U0LEAD> leadership');
    const form = await openModal(ADMIN, 'management-review');
    expect(text((await submitModal(slack.eventsUrl, form, {}, ADMIN, 'V0MRNOCHAIR')).json)).toContain('Opened MR-1');
    expect((await reviewRow(1))?.chair).toBeNull();
    expect(text((await command(ADMIN, 'mr MR-1 close')).json)).toContain(
      'MR-1 has no chair, and no one holds the leadership role: an admin grants it (role grant @name leadership), then the chair is named in MR-1 attendees.',
    );
    expect((await reviewRow(1))?.status).toBe('open');
    await command(ADMIN, 'role grant <@U0LEAD> leadership');
    expect(text((await command(LEADER, 'mr MR-1 close')).json)).toContain('MR-1 has no chair: name one');
    expect(await sql().count('audit_events', "action = 'management_review.closed'")).toBe(0);
  });
});

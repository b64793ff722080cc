import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, clickButton, postInteraction, submitModal } from '../../helpers/slack-interactions.ts';
import { checkSlackMessage } from '../../helpers/slack-limits.ts';
import { formattedRuns, quotedLines, shownText } from '../../helpers/slack-mrkdwn-check.ts';
import type { startSlackHarness } from '../../helpers/start-test-app.ts';
import { slackConversation } from '../../helpers/slack-conversation.ts';
import { startSlackWorkspace } from '../../helpers/workspace-builders.ts';
import { createServices } from '../../../src/services.ts';
import { actorOf } from '../../../src/core/actor.ts';
import { fixedClock } from '../../../src/core/clock.ts';
import { createLogger } from '../../../src/logger.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startSlackHarness>>;
let slack: Harness;
const { command, openModal } = slackConversation(() => slack);

const ADMIN = { user: 'U0ADMIN', name: 'alice' };
const OWNER = { user: 'U0OWNER', name: 'olivia' };
const MEMBER = { user: 'U0MEMBER', name: 'mia' };
const REPORTER = { user: 'U0REP', name: 'rita' };

type Json = Record<string, unknown>;
const text = (value: unknown) => JSON.stringify(value ?? null);
const calls = (method: string) => slack.slackApi.callsTo(method);
const sql = () => sqlOf(slack.app.store);
const outboxOf = async (subject: string) =>
  await sql().all('SELECT kind, target, detail, status FROM outbox_messages WHERE subject = ? ORDER BY id', subject);
const auditCount = async () => await sql().count('audit_events');
const incidentRow = async (number: number) =>
  (await sql().get<Json>('SELECT status, owner_person_id AS owner, root_cause AS "rootCause" FROM incidents WHERE number = ?', number)) ??
  {};

/** Every mrkdwn text of a payload (plain_text is never parsed for mentions, so it may hold anything). */
function mrkdwnTexts(payload: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const object = node as Json;
    if (object.type === 'mrkdwn' && typeof object.text === 'string') out.push(object.text);
    Object.values(object).forEach(visit);
  };
  visit(payload);
  return out;
}

/** Clicks a button of INC-n's card as last posted or updated in the incidents channel: a message everyone there sees. */
async function clickOnChannelCard(who: { user: string; name: string }, label: string, number = 1): Promise<void> {
  const cards = [...calls('chat.postMessage'), ...calls('chat.update')].filter(
    (call) => call.args.channel === 'C0INC' && text(call.args.blocks).includes(`INC-${number} ·`),
  );
  const latest = cards.sort((a, b) => calls('*').indexOf(a) - calls('*').indexOf(b)).at(-1);
  const button = buttonsOf(latest?.args)[label];
  expect(button, `button ${label} on the channel card`).toBeDefined();
  const ts =
    calls('chat.postMessage').find((call) => call.args.channel === 'C0INC' && text(call.args.blocks).includes(`INC-${number} ·`))?.ts ?? '';
  await clickButton(slack.eventsUrl, button as Json, who, slack.slackApi.responseUrl(`${who.user}-${label}`), { channel: 'C0INC', ts });
}

let systemId = '';

// Each test has its own bot, store and fake Slack: a workspace with an admin, the Fraud Scorer's owner and its channels.
beforeEach(async () => {
  ({ slack, systemId } = await startSlackWorkspace(
    { users: { U0OWNER: 'Olivia Owner', U0MEMBER: 'Mia Member', U0REP: 'Rita Reporter' } },
    { setup: { timeZone: 'Europe/Berlin' } },
  ));
});
afterEach(async () => {
  // Whatever a test did: every payload stayed inside Slack's limits, and the audit chain verifies, its
  // state tables agreeing with the chain (the cross-checks of aims audit verify).
  try {
    expect(slack.slackApi.calls.flatMap((call) => call.problems)).toEqual([]);
    expect(await slack.app.store.verifyAudit()).toMatchObject({ ok: true });
    expect((await slack.app.store.auditReport()).disagreements).toEqual([]);
  } finally {
    await slack.close();
  }
});

const report = {
  severity: 'S2',
  type: 'model-drift',
  description: 'Since the 20th the scorer flags most payments from one bank.',
  affected: 'Customers of one bank; payments held for hours.',
  detectedAt: '2026-11-22T08:30:00.000Z',
};

/** INC-1 as the reporter logs it from the form: S2, on the Fraud Scorer (so owned by its owner), posted to the channels. */
async function logInc1(): Promise<void> {
  const form = await openModal(REPORTER, 'incident Scorer flags every payment from one bank');
  await submitModal(slack.eventsUrl, form, { ...report, aiSystem: systemId }, REPORTER, 'V0INC1');
}

/** The next incident: S4, on a system not in the inventory (so nobody owns it yet). */
async function logS4(title = 'Shadow chatbot answers wrongly'): Promise<void> {
  const form = await openModal(REPORTER, 'incident');
  await submitModal(slack.eventsUrl, form, { ...report, severity: 'S4', title, systemName: 'Shadow chatbot' }, REPORTER, `V0S4${title}`);
}

/** The member acknowledges INC-1 from its channel card, and so is a known, named person of the workspace. */
async function memberAcknowledgesInc1(): Promise<void> {
  await clickOnChannelCard(MEMBER, 'Acknowledge');
  await submitModal(slack.eventsUrl, calls('views.open').at(-1)?.args.view as Json, {}, MEMBER, 'V0ACK');
}

/** INC-1 acknowledged by the member, mitigated and resolved by the owner with these corrective actions. */
async function resolveInc1(actions: Record<string, string>): Promise<void> {
  await memberAcknowledgesInc1();
  await clickOnChannelCard(OWNER, 'Mitigated');
  await clickOnChannelCard(OWNER, 'Resolve…');
  await submitModal(
    slack.eventsUrl,
    calls('views.open').at(-1)?.args.view as Json,
    { rootCause: 'A bank changed its BIN ranges.', ...actions },
    OWNER,
    'V0RES',
  );
  expect((await incidentRow(1)).status).toBe('resolved');
}

const twoActions = {
  action1Title: 'Add BIN range monitoring',
  action1Due: '2026-12-01',
  action2Title: 'Retrain on fresh ranges',
  action2Owner: 'U0MEMBER',
  action2Due: '2026-12-15',
};

describe('incidents on Slack, end to end', () => {
  it('refuses plainly, before any form opens, where no incidents channel is set up', async () => {
    const before = calls('views.open').length;
    const response = await command({ user: 'U0NEW', name: 'nina', team: 'T0NEW' }, 'incident');
    expect(text(response.json)).toContain('No incidents channel is set up for this workspace yet.');
    // Hints are plain text on both platforms: no markdown backticks leaking through.
    expect(text(response.json)).toContain('An admin can choose it with “/aims setup”');
    expect(calls('views.open').length).toBe(before);
  });

  it('logs an incident from the form: INC-1, posted to the incidents channel and (S2) leadership, reporter told with a link; a double submit logs it once', async () => {
    const form = await openModal(REPORTER, 'incident Scorer flags every payment from one bank');
    expect(text(form)).toContain('"initial_value":"Scorer flags every payment from one bank"');
    expect(text(form)).toContain('datetimepicker');
    const posts = calls('chat.postMessage').length;
    const saved = await submitModal(slack.eventsUrl, form, { ...report, aiSystem: systemId }, REPORTER, 'V0INC1');
    expect(saved.json?.response_action).toBe('update');
    expect(text(saved.json?.view)).toContain(
      'Logged INC-1. Posted to #ai-incidents and #ai-leadership: https://acme.slack.test/archives/C0INC/',
    );
    const posted = calls('chat.postMessage').slice(posts);
    // The reporter's own copy is a direct message (the modal's confirmation closes with it): it stays up to date.
    expect(posted.map((call) => call.args.channel)).toEqual(['C0INC', 'C0LEAD', 'U0REP']);
    expect(posted.flatMap((call) => call.problems)).toEqual([]);
    expect(text(posted[0]?.args.blocks)).toContain('INC-1 · Scorer flags every payment from one bank');
    expect(Object.keys(buttonsOf(posted[0]?.args))).toEqual(['Acknowledge', 'Comment…']);
    // The owner defaults to the AI system's owner; the reporter is whoever submitted.
    const row = await sql().get(
      'SELECT i.number, o.external_id AS owner, r.external_id AS reporter, i.detected_at AS "detectedAt" FROM incidents i JOIN people o ON o.id = i.owner_person_id JOIN people r ON r.id = i.reporter_person_id',
    );
    expect(row).toEqual({ number: 1, owner: 'U0OWNER', reporter: 'U0REP', detectedAt: '2026-11-22T08:30:00.000Z' });
    // Through the outbox: both posts were queued with the incident, then sent.
    expect(await outboxOf('incident:1')).toEqual([
      { kind: 'post', target: 'incidents', detail: null, status: 'sent' },
      { kind: 'post', target: 'leadership', detail: null, status: 'sent' },
      { kind: 'direct', target: expect.any(String), detail: 'incident.yours', status: 'sent' },
    ]);

    const again = await submitModal(slack.eventsUrl, form, { ...report, aiSystem: systemId }, REPORTER, 'V0INC1');
    expect(text(again.json?.view)).toContain('INC-1 was already logged.');
    expect(calls('chat.postMessage').length).toBe(posts + 3);
    expect(await sql().count('incidents')).toBe(1);
  });

  it('puts form errors at their fields: no system, a future detection time, an empty title', async () => {
    const form = await openModal(REPORTER, 'incident');
    const before = await auditCount();
    const bad = await submitModal(
      slack.eventsUrl,
      form,
      { ...report, title: '  ', detectedAt: '2027-01-01T00:00:00.000Z' },
      REPORTER,
      'V0BAD',
    );
    expect(bad.json).toEqual({
      response_action: 'errors',
      errors: { aiSystem: 'Choose the AI system, or name it below if it is not in the inventory yet.', title: 'Title is required.' },
    });
    const future = await submitModal(
      slack.eventsUrl,
      form,
      { ...report, title: 'x', systemName: 'Shadow chatbot', detectedAt: '2027-01-01T00:00:00.000Z' },
      REPORTER,
      'V0BAD2',
    );
    expect(future.json?.errors).toEqual({ detectedAt: 'The detection time cannot be in the future.' });
    expect(await auditCount()).toBe(before);
  });

  it('escapes what people type: <!channel> in a title pings nobody, *bold* and links in it show literally', async () => {
    const form = await openModal(REPORTER, 'incident');
    const posts = calls('chat.postMessage').length;
    const title = '<!channel> <@U0BOSS> look *Status:* _approved_ ~x~ `y` <http://x|y>';
    const description = 'It looked fine.\n*Status:* Closed by the admin\n> all clear';
    await submitModal(
      slack.eventsUrl,
      form,
      { ...report, severity: 'S4', title, description, systemName: 'Shadow chatbot' },
      REPORTER,
      'V0ESC',
    );
    const posted = calls('chat.postMessage')
      .slice(posts)
      .filter((call) => call.args.channel !== 'U0REP');
    expect(posted).toHaveLength(1);
    const mrkdwn = [String(posted[0]?.args.text), ...mrkdwnTexts(posted[0]?.args.blocks)].join('\n');
    expect(mrkdwn).toContain('&lt;!channel&gt; &lt;@U0BOSS&gt; look');
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<@U0BOSS>');
    expect(mrkdwn).not.toContain('<http');
    // The typed words are all there as typed, but none of them is styled or quoted: no spoofed "Status:" line.
    expect(shownText(mrkdwn)).toContain(title);
    expect(shownText(mrkdwn)).toContain('*Status:* Closed by the admin');
    // The card's own labels are bold ("Status"); nothing the reporter typed is.
    expect(formattedRuns(mrkdwn).filter((run) => /Status:|approved|^x$|^y$/.test(run))).toEqual([]);
    expect(quotedLines(mrkdwn)).toEqual([]);
    // The same in the list where titles are mrkdwn lines.
    const list = mrkdwnTexts((await command(MEMBER, 'incident list S4')).json?.blocks).join('\n');
    expect(shownText(list)).toContain(title);
    expect(formattedRuns(list).filter((run) => /Status:|approved|^x$|^y$/.test(run))).toEqual([]);
  });

  it('refuses a transition that does not start from the current state, refreshing the card to the truth', async () => {
    // INC-2 is open; a stale or crafted Close button is refused and the card shows the true state.
    await logInc1();
    await logS4();
    await clickButton(
      slack.eventsUrl,
      { action_id: 'aims:incident.close:0', value: JSON.stringify({ incident: '2' }), text: { type: 'plain_text', text: 'Close' } },
      ADMIN,
      slack.slackApi.responseUrl('stale'),
    );
    const replaced = calls('response_url').at(-1);
    expect(text(replaced?.args)).toContain('INC-2 is open: it cannot be closed from there. Possible now: acknowledge.');
    expect(Object.keys(buttonsOf(replaced?.args))).toEqual(['Acknowledge', 'Comment…']);
    expect((await incidentRow(2)).status).toBe('open');
  });

  it('moves INC-1 through its lifecycle by the buttons on its channel card, updating both posted cards each time', async () => {
    await logInc1();
    const updates = () => calls('chat.update').filter((call) => call.args.channel === 'C0INC' || call.args.channel === 'C0LEAD').length;
    let before = updates();

    // Anyone may acknowledge and so becomes the responder; the system's owner stays accountable.
    await clickOnChannelCard(MEMBER, 'Acknowledge');
    const ackForm = calls('views.open').at(-1)?.args.view as Json;
    expect(text(ackForm)).toContain('You will be recorded as the responder. Olivia Owner stays the owner');
    expect(text(ackForm)).not.toContain('initial_user');
    // The owner's form has the owner field; a member submitting that form to take the incident is refused at the field.
    await clickOnChannelCard(OWNER, 'Acknowledge');
    const ownersForm = calls('views.open').at(-1)?.args.view as Json;
    expect(text(ownersForm)).toContain('"initial_user":"U0OWNER"');
    const taken = await submitModal(slack.eventsUrl, ownersForm, { owner: 'U0MEMBER' }, MEMBER, 'V0ACKTAKE');
    expect(taken.json?.errors).toEqual({
      owner: 'Only the owner of INC-1 or an admin can reassign it. The owner is Olivia Owner. Admins: alice.',
    });
    expect((await incidentRow(1)).status).toBe('open');
    await submitModal(slack.eventsUrl, ackForm, {}, MEMBER, 'V0ACK');
    expect((await incidentRow(1)).status).toBe('acknowledged');
    expect(
      await sql().get(
        'SELECT o.external_id AS owner, r.external_id AS responder FROM incidents i JOIN people o ON o.id = i.owner_person_id JOIN people r ON r.id = i.responder_person_id WHERE i.number = 1',
      ),
    ).toEqual({ owner: 'U0OWNER', responder: 'U0MEMBER' });
    expect(updates()).toBe(before + 2);
    expect(text(calls('chat.update').at(-1)?.args)).toContain('Acknowledged');

    // A member may not mitigate: told why, privately; the card everyone sees is left as it is.
    const events = await auditCount();
    const callsBefore = calls('*').length;
    await clickOnChannelCard(MEMBER, 'Mitigated');
    const refusal = calls('response_url').at(-1);
    expect(text(refusal?.args)).toContain('Only the owner of INC-1 or an admin can mitigate it. The owner is Olivia Owner.');
    expect(refusal?.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(
      calls('*')
        .slice(callsBefore)
        .map((call) => call.method),
    ).toEqual(['response_url']);
    expect((await incidentRow(1)).status).toBe('acknowledged');
    expect(await auditCount()).toBe(events);

    before = updates();
    await clickOnChannelCard(OWNER, 'Mitigated');
    expect((await incidentRow(1)).status).toBe('mitigated');
    expect(updates()).toBe(before + 2);
    // A double click moves the state once.
    const afterFirst = await auditCount();
    await clickButton(
      slack.eventsUrl,
      { action_id: 'aims:incident.mitigate:1', value: JSON.stringify({ incident: '1' }), text: { type: 'plain_text', text: 'Mitigated' } },
      OWNER,
      slack.slackApi.responseUrl('double'),
    );
    expect(await auditCount()).toBe(afterFirst);
    expect(text(calls('response_url').at(-1)?.args)).toContain('Nothing changed: INC-1 is already mitigated.');

    // Resolve: root cause and two corrective actions, each with an owner and a due date.
    await clickOnChannelCard(OWNER, 'Resolve…');
    const resolveForm = calls('views.open').at(-1)?.args.view as Json;
    expect(calls('views.open').at(-1)?.problems).toEqual([]);
    const missing = await submitModal(
      slack.eventsUrl,
      resolveForm,
      { rootCause: 'A bank changed its BIN ranges.', action1Title: '', action1Due: '2026-12-01' },
      OWNER,
      'V0RES',
    );
    expect(missing.json?.errors).toMatchObject({ action1Title: 'Action is required.' });
    before = updates();
    await submitModal(
      slack.eventsUrl,
      resolveForm,
      {
        rootCause: 'A bank changed its BIN ranges.',
        action1Title: 'Add BIN range monitoring',
        action1Due: '2026-12-01',
        action2Title: 'Retrain on fresh ranges',
        action2Owner: 'U0MEMBER',
        action2Due: '2026-12-15',
      },
      OWNER,
      'V0RES',
    );
    expect(await incidentRow(1)).toMatchObject({ status: 'resolved', rootCause: 'A bank changed its BIN ranges.' });
    expect(updates()).toBe(before + 2);
    const actions = await sql().all(
      'SELECT a.title, p.external_id AS owner, a.due_date AS due, a.status FROM corrective_actions a JOIN people p ON p.id = a.owner_person_id ORDER BY a.id',
    );
    expect(actions).toEqual([
      { title: 'Add BIN range monitoring', owner: 'U0OWNER', due: '2026-12-01', status: 'open' },
      { title: 'Retrain on fresh ranges', owner: 'U0MEMBER', due: '2026-12-15', status: 'open' },
    ]);
    expect(text(calls('chat.update').at(-1)?.args)).toContain('Retrain on fresh ranges');

    await clickOnChannelCard(OWNER, 'Close');
    expect((await incidentRow(1)).status).toBe('closed');
    await clickOnChannelCard(ADMIN, 'Reopen');
    expect((await incidentRow(1)).status).toBe('open');
    const card = calls('chat.update').at(-1);
    expect(card?.problems).toEqual([]);
    // Every update went out through the outbox, one message per posted copy and change.
    const updatesOfInc1 = (await outboxOf('incident:1')).filter((m) => m.kind === 'update');
    expect(updatesOfInc1.every((m) => m.status === 'sent')).toBe(true);
    expect(updatesOfInc1).toHaveLength(calls('chat.update').filter((call) => text(call.args.blocks).includes('INC-1 ·')).length);
    // The short timeline on the card: the last six steps, oldest first, one a line.
    const timeline = mrkdwnTexts(card?.args.blocks).find((t) => t.includes('reported it')) ?? '';
    expect(timeline.split('\n').map((line) => line.replace(/^• _[^_]+_ /, ''))).toEqual([
      '*rita* reported it',
      '*Mia Member* acknowledged',
      '*Olivia Owner* mitigated',
      '*Olivia Owner* resolved',
      '*Olivia Owner* closed',
      '*alice* reopened',
    ]);
  });

  it('adds comments to the timeline', async () => {
    await logInc1();
    await clickOnChannelCard(MEMBER, 'Comment…');
    const form = calls('views.open').at(-1)?.args.view as Json;
    await submitModal(slack.eventsUrl, form, { comment: 'Customers were told at 10:00.' }, MEMBER, 'V0COM');
    expect(text(calls('chat.update').at(-1)?.args)).toContain('Customers were told at 10:00.');
    // The same modal submitted again (a retry) adds nothing.
    await submitModal(slack.eventsUrl, form, { comment: 'Customers were told at 10:00.' }, MEMBER, 'V0COM');
    expect(await sql().count('incident_events', "kind = 'comment'")).toBe(1);
  });

  it('runs a signed slash command replayed with the same trigger_id once, answering the replay the same', async () => {
    const comments = async () => await sql().count('incident_events', "kind = 'comment'");
    await logInc1();
    await memberAcknowledgesInc1();
    const before = await comments();
    const events = await auditCount();
    const replayed = { trigger_id: '1700009999.111.replayed' };
    const first = await command(MEMBER, 'incident INC-1 comment Regulator informed.', replayed);
    const replay = await command(MEMBER, 'incident INC-1 comment Regulator informed.', replayed);
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect(text(first.json)).toContain('Comment added.');
    expect(replay.json).toEqual(first.json);
    expect(await comments()).toBe(before + 1);
    expect(await auditCount()).toBe(events + 1);
    // The same words as a new invocation (a new trigger_id) are a new comment.
    await command(MEMBER, 'incident INC-1 comment Regulator informed.');
    expect(await comments()).toBe(before + 2);
  });

  it('lists corrective actions with Done buttons; the owner marks one done', async () => {
    await logInc1();
    await resolveInc1(twoActions);
    const mine = await command(MEMBER, 'action list mine');
    expect(text(mine.json)).toContain('Retrain on fresh ranges');
    const done = buttonsOf(mine.json);
    expect(Object.keys(done)).toHaveLength(1);
    await clickButton(slack.eventsUrl, Object.values(done)[0] as Json, OWNER, slack.slackApi.responseUrl('not-mine'));
    // The incident's owner may mark it done too.
    expect(text(calls('response_url').at(-1)?.args)).toMatch(/Action #\d+ is done\./);
    const members = await command(REPORTER, 'action done 1');
    expect(text(members.json)).toContain('Only the owner of this action, the owner of its incident or an admin can mark it done.');
  });

  it('lists incidents by filter and shows one by its number', async () => {
    await logInc1();
    await logS4();
    expect(text((await command(MEMBER, 'incident list')).json)).toContain('INC-2');
    const open = text((await command(MEMBER, 'incident list open')).json);
    expect(open).toContain('INC-1');
    expect(text((await command(MEMBER, 'incident list S4')).json)).not.toContain('INC-1');
    expect(text((await command(REPORTER, 'incident list mine')).json)).toContain('INC-1');
    expect(text((await command(MEMBER, 'incident list fraud scorer')).json)).toContain('INC-1');
    const one = await command(MEMBER, 'incident inc-1');
    expect(one.json?.response_type).toBe('ephemeral');
    expect(text(one.json)).toContain('INC-1 · Scorer flags every payment from one bank');
    expect(text((await command(MEMBER, 'incident INC-99')).json)).toContain('There is no INC-99 in this workspace.');
  });

  it('opens the form from the "Report AI incident" message shortcut with the message and its link filled in', async () => {
    const opened = calls('views.open').length;
    await postInteraction(slack.eventsUrl, {
      type: 'message_action',
      callback_id: 'report_incident_shortcut',
      trigger_id: '555.666.trigger',
      team: { id: 'T0TEST', domain: 'acme' },
      user: { id: 'U0REP', username: 'rita' },
      channel: { id: 'C0GENERAL', name: 'general' },
      message_ts: '1700000100.000200',
      message: {
        type: 'message',
        user: 'U0CUSTOMER',
        text: 'The chatbot told me my loan was approved. It was not.',
        ts: '1700000100.000200',
      },
      response_url: slack.slackApi.responseUrl('shortcut'),
    });
    expect(calls('views.open').length).toBe(opened + 1);
    const view = text(calls('views.open').at(-1)?.args.view);
    expect(view).toContain('The chatbot told me my loan was approved. It was not.');
    expect(view).toContain('From: https://acme.slack.test/archives/C0GENERAL/p1700000100000200');
  });

  it('status counts open incidents by severity, the oldest, the last 30 days and corrective actions', async () => {
    // INC-1 (S2) resolved with two actions, one of them done, then closed and reopened; INC-2 (S4) open.
    await logInc1();
    await logS4();
    await resolveInc1(twoActions);
    expect(text((await command(OWNER, 'action done 1')).json)).toContain('Action #1 is done.');
    await clickOnChannelCard(OWNER, 'Close');
    await clickOnChannelCard(ADMIN, 'Reopen');
    expect((await incidentRow(1)).status).toBe('open');
    const status = text((await command(MEMBER, 'status')).json);
    expect(status).toContain('*Open by severity*\\n0 S1, 1 S2, 0 S3, 1 S4');
    expect(status).toContain('*Last 30 days*\\n2 opened, 0 closed');
    expect(status).toContain('*Corrective actions*\\n1 open, 0 overdue');
  });

  it('only the owner or an admin reassigns an incident (incident INC-n owner @person); the refusal names them', async () => {
    await logInc1();
    await logS4();
    // Mia is a person the bot already knows by her Slack name (she was once mentioned as an owner).
    await command(ADMIN, 'incident INC-1 owner <@U0MEMBER>');
    const refused = text((await command(MEMBER, 'incident INC-2 owner <@U0MEMBER>')).json);
    expect(refused).toContain('Only the owner of INC-2 or an admin can reassign it.');
    expect(refused).toContain('Admins: alice.');
    expect((await incidentRow(2)).owner).toBeNull();
    const events = await auditCount();
    expect(text((await command(ADMIN, 'incident INC-2 owner <@U0MEMBER>')).json)).toContain('Mia Member is now the owner of INC-2.');
    expect(await auditCount()).toBe(events + 1);
    expect(
      await sql().get('SELECT p.external_id AS owner FROM incidents i JOIN people p ON p.id = i.owner_person_id WHERE i.number = 2'),
    ).toEqual({ owner: 'U0MEMBER' });
    expect(text((await command(ADMIN, 'incident INC-2 owner <@U0MEMBER>')).json)).toContain('Mia Member was already the owner of INC-2.');
  });

  it('lists 500 incidents within Slack’s limits, 25 a page', async () => {
    await logInc1();
    await logS4();
    const services = createServices({
      store: slack.app.store,
      clock: fixedClock('2026-11-22T10:00:00Z'),
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    });
    const reporter = actorOf(
      await services.directory.contact({ platform: 'slack', workspaceExternalId: 'T0TEST', userExternalId: 'U0REP' }),
    );
    // Through the service, all in one transaction (each report a savepoint in it): the list is under test, not the form.
    await slack.app.store.write(async () => {
      for (let i = 0; i < 500; i++) {
        await services.incidents.report(reporter, {
          systemName: 'Bulk',
          title: `Bulk incident ${i} <!here> ${'x'.repeat(100)}`,
          description: 'd',
          severity: 'S3',
          type: 'other',
          detectedAt: '2026-11-20T00:00:00Z',
          affected: 'a',
        });
      }
    });
    const page = await command(MEMBER, 'incident list');
    expect(checkSlackMessage(page.json ?? {})).toEqual([]);
    expect(text(page.json)).toContain('1–25 of 502. More: `/aims incident list page 2`');
    const last = await command(MEMBER, 'incident list page 21');
    expect(checkSlackMessage(last.json ?? {})).toEqual([]);
    expect(text(last.json)).toContain('502 in all.');
  });
});

describe('the reporter’s own copy on Slack', () => {
  // The modal's confirmation closes with the modal and an ephemeral reply can never be updated, so the
  // reporter's copy that stays live is a direct message from the bot.
  it('is a direct message from the bot, updated with every change: Closed and without buttons after the lifecycle', async () => {
    await logInc1();
    const dm = calls('chat.postMessage').find((call) => call.args.channel === 'U0REP');
    expect(text(dm?.args.blocks)).toContain('You reported INC-1. This copy stays up to date.');
    expect(Object.keys(buttonsOf(dm?.args))).toEqual(['Acknowledge', 'Comment…']);
    expect(await sql().all("SELECT purpose, channel_id AS channel FROM posted_messages WHERE subject = 'incident:1' ORDER BY id")).toEqual([
      { purpose: 'incidents', channel: 'C0INC' },
      { purpose: 'leadership', channel: 'C0LEAD' },
      { purpose: expect.stringMatching(/^personal:incident\.yours:\d+$/), channel: 'U0REP' },
    ]);

    await resolveInc1(twoActions);
    await clickOnChannelCard(OWNER, 'Close');
    expect((await incidentRow(1)).status).toBe('closed');
    const updates = calls('chat.update').filter((call) => call.args.channel === 'U0REP' && call.args.ts === dm?.ts);
    expect(updates.length).toBeGreaterThanOrEqual(4);
    const copy = updates.at(-1)?.args;
    expect(text(copy?.blocks)).toContain('You reported INC-1. It is closed.');
    expect(text(copy?.blocks)).toContain('Closed');
    expect(buttonsOf(copy)).toEqual({});
  });
});

describe('incident cards on Slack are scannable', () => {
  it('the channel post marks severity and status with a coloured emoji, @mentions the owner, and lists the timeline one event a line', async () => {
    await logInc1();
    const post = calls('chat.postMessage').find((call) => call.args.channel === 'C0INC' && text(call.args.blocks).includes('INC-1 ·'));
    const texts = mrkdwnTexts(post?.args.blocks);
    expect(texts).toContain('*Severity*\n🔴 S2 major');
    expect(texts).toContain('*Status*\n🔴 Open');
    // The owner is asked to act: a real mention, which Slack shows by name and notifies.
    expect(texts).toContain('*Owner*\n<@U0OWNER>');
    // The timeline: a heading and one bullet per event (when in Berlin time, who, what).
    const timeline = texts.find((t) => t.includes('reported it')) ?? '';
    expect(timeline).toBe('• _22 Nov 2026 11:00_ *rita* reported it');
    expect(texts).toContain('*Timeline*');
  });

  it('each row of the incident list has an Open button beside it that shows that incident’s card', async () => {
    await logInc1();
    const list = (await command(MEMBER, 'incident list')).json as Json;
    const row = (list.blocks as Json[]).find((block) => text(block).includes('INC-1'));
    expect(row).toMatchObject({ type: 'section', accessory: { type: 'button', text: { text: 'Open' } } });
    expect(mrkdwnTexts(row)[0]).toContain('🔴 S2 · 🔴 Open');
    const button = buttonsOf(list).Open as Json;
    await clickButton(slack.eventsUrl, button, MEMBER, slack.slackApi.responseUrl('open-inc1'));
    const shown = calls('response_url').at(-1)?.args as Json;
    expect(text(shown.blocks)).toContain('INC-1 · Scorer flags every payment from one bank');
    expect(Object.keys(buttonsOf(shown))).toEqual(['Acknowledge', 'Comment…']);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardInputs, cardOf, executeActions, fillCard, fillDialog, submitActions } from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { startTeamsWorkspace, TEAMS_CHANNELS } from '../../helpers/workspace-builders.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { actorOf } from '../../../src/core/actor.ts';
import { fixedClock } from '../../../src/core/clock.ts';
import { createLogger } from '../../../src/logger.ts';
import { createServices } from '../../../src/services.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
type Card = Record<string, unknown>;

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const OWNER = { user: 'aad-owner', name: 'Olivia Owner' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const REPORTER = { user: 'aad-rep', name: 'Rita Reporter' };

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);
const row = async (number: number) =>
  (await sql().get<Record<string, unknown>>('SELECT status, detected_at AS "detectedAt" FROM incidents WHERE number = ?', number)) ?? {};
const auditCount = async () => await sql().count('audit_events');

const { say, click, dialog } = teamsConversation(() => teams);

/** The incidents channel's INC-1 card: that message, by the id the connector gave its post. */
function incidentsPost() {
  const post = teams.connector.activities.find(
    (entry) => entry.method === 'POST' && entry.path === '/v3/conversations/19%3Aincidents%40thread.tacv2/activities',
  );
  return { conversationId: '19:incidents@thread.tacv2', activityId: post?.id ?? '' };
}

/** Opens the dialog of a button on the incidents channel's card; returns the form it shows. */
async function openDialog(who: { user: string; name: string }, label: string): Promise<Card> {
  const data = submitActions(channelCard('19%3Aincidents%40thread.tacv2'))[label];
  expect(data, `"${label}" opens a dialog`).toBeDefined();
  const opened = await dialog(who, 'task/fetch', data as Record<string, unknown>, incidentsPost());
  if (opened.type !== 'continue') throw new Error(`"${label}" answered "${opened.text}" instead of a dialog`);
  return opened.card;
}

/** Submits a dialog's form; returns what closed it (or the form redrawn). */
async function submitDialog(who: { user: string; name: string }, form: Card, title: string, values: Record<string, string>) {
  const answer = await dialog(who, 'task/submit', fillDialog(form, title, values), incidentsPost());
  return answer.type === 'message' ? answer.text : answer.card;
}

/** The incident card as last posted or updated in a channel conversation. */
function channelCard(conversation: string): Card | undefined {
  const activity = teams.connector.activities
    .filter((entry) => entry.path.startsWith(`/v3/conversations/${conversation}/activities`) && text(entry.activity).includes('INC-1 ·'))
    .at(-1);
  expect(activity?.problems).toEqual([]);
  return cardOf(activity?.activity);
}

const updatesTo = (conversation: string) =>
  teams.connector.activities.filter(
    (entry) => entry.method === 'PUT' && entry.path.startsWith(`/v3/conversations/${conversation}/activities/`),
  ).length;

let systemId = '';

// Each test has its own bot, store and fake connector: a workspace (Berlin time) with an admin, the Fraud
// Scorer's owner, a member and a reporter, and its incidents and leadership channels.
beforeEach(async () => {
  ({ teams, systemId } = await startTeamsWorkspace(
    {},
    {
      people: [OWNER, MEMBER, REPORTER],
      setup: { defaultApprovals: '2', timeZone: 'Europe/Berlin' },
      channels: { incidents: TEAMS_CHANNELS.incidents, leadership: TEAMS_CHANNELS.leadership },
    },
  ));
});
afterEach(async () => {
  // Whatever a test did, the audit chain stays intact and the state tables agree with it (the cross-checks of aims audit verify).
  try {
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
    expect((await teams.app.store.auditReport()).disagreements).toEqual([]);
  } finally {
    await teams.close();
  }
});

const inc1 = {
  description: 'Since the 20th the scorer flags most payments from one bank.',
  severity: 'S1',
  type: 'model-drift',
  detectedAt__date: '2026-11-22',
  detectedAt__time: '09:30',
  affected: 'Customers of one bank.',
};

/** INC-1 as the reporter logs it from the card form: S1 on the Fraud Scorer (so Olivia owns it), posted to both channels. */
async function logInc1(): Promise<void> {
  const form = await say(REPORTER, 'aims incident Scorer flags every payment');
  expect(text(await click(REPORTER, fillCard(form, 'Report', { ...inc1, aiSystem: systemId })))).toContain('Logged INC-1.');
}

/** INC-1 acknowledged by the member, mitigated and resolved by the owner with two corrective actions (one the member's). */
async function resolveInc1(): Promise<void> {
  const incidents = '19%3Aincidents%40thread.tacv2';
  const ackForm = await openDialog(MEMBER, 'Acknowledge');
  await submitDialog(MEMBER, ackForm, 'Acknowledge', {});
  await click(OWNER, executeActions(channelCard(incidents)).Mitigated as never);
  const resolveForm = await openDialog(OWNER, 'Resolve…');
  const resolved = await submitDialog(OWNER, resolveForm, 'Resolve', {
    rootCause: 'A bank changed its BIN ranges.',
    action1Title: 'Monitor BIN ranges',
    action1Owner: 'aad-owner',
    action1Due: '2026-12-01',
    action2Title: 'Retrain',
    action2Owner: 'aad-member',
    action2Due: '2026-12-15',
  });
  expect(text(resolved)).toContain('INC-1 resolved.');
}

describe('incidents on Teams, end to end', () => {
  it('logs an incident from the card form and posts it proactively to the incidents and leadership channels', async () => {
    const form = await say(REPORTER, 'aims incident Scorer flags every payment');
    expect(cardInputs(form)).toMatchObject({
      title: 'Scorer flags every payment',
      detectedAt__date: expect.any(String),
      detectedAt__time: expect.any(String),
    });
    const posts = teams.connector.activities.length;
    const submit = fillCard(form, 'Report', {
      aiSystem: systemId,
      description: 'Since the 20th the scorer flags most payments from one bank.',
      severity: 'S1',
      type: 'model-drift',
      detectedAt__date: '2026-11-22',
      detectedAt__time: '09:30',
      affected: 'Customers of one bank.',
    });
    const logged = await click(REPORTER, submit);
    expect(text(logged)).toContain('Logged INC-1. Posted to the incidents channel and the leadership channel.');
    // Read in the workspace's time zone (Berlin, UTC+1 in November).
    expect(await row(1)).toEqual({ status: 'open', detectedAt: '2026-11-22T08:30:00.000Z' });
    const proactive = teams.connector.activities.slice(posts).filter((entry) => entry.method === 'POST');
    // Into the channel itself, not the thread the setup command was sent in.
    expect(proactive.map((entry) => entry.path)).toEqual([
      '/v3/conversations/19%3Aincidents%40thread.tacv2/activities',
      '/v3/conversations/19%3Aleadership%40thread.tacv2/activities',
      // This invoke names no card it came from, so the reporter's own live copy is a direct message.
      '/v3/conversations/conv-personal-aad-rep/activities',
    ]);
    // On the channel's card, buttons that ask for input open a dialog.
    expect(Object.keys(submitActions(channelCard('19%3Aincidents%40thread.tacv2')))).toEqual(['Acknowledge', 'Comment…']);
    // Through the outbox: both posts were queued with the incident, then sent.
    expect(await sql().all("SELECT kind, target, status FROM outbox_messages WHERE subject = 'incident:1' ORDER BY id")).toEqual([
      { kind: 'post', target: 'incidents', status: 'sent' },
      { kind: 'post', target: 'leadership', status: 'sent' },
      { kind: 'direct', target: expect.any(String), status: 'sent' },
    ]);

    // The same card submitted again (a double click) logs nothing new and posts nothing.
    const activities = teams.connector.activities.length;
    const again = await click(REPORTER, submit);
    expect(text(again)).toContain('INC-1 was already logged.');
    expect(teams.connector.activities.length).toBe(activities);
    expect(await sql().count('incidents')).toBe(1);
  });

  it('walks the lifecycle from the channel card; every change updates both posted cards in place', async () => {
    await logInc1();
    const incidents = '19%3Aincidents%40thread.tacv2';
    const leadership = '19%3Aleadership%40thread.tacv2';
    let before = updatesTo(incidents) + updatesTo(leadership);

    // Anyone may acknowledge and so becomes the responder; the system's owner stays accountable.
    const ackForm = await openDialog(MEMBER, 'Acknowledge');
    expect(cardInputs(ackForm).owner).toBeUndefined();
    expect(text(ackForm)).toContain('Olivia Owner stays the owner');
    // The owner's form has the owner field; a member submitting that form to take the incident is refused at the field.
    const ownersForm = await openDialog(OWNER, 'Acknowledge');
    expect(cardInputs(ownersForm).owner).toBe('aad-owner');
    const taken = await submitDialog(MEMBER, ownersForm, 'Acknowledge', { owner: 'aad-member' });
    expect(text(taken)).toContain('Only the owner of INC-1 or an admin can reassign it. The owner is Olivia Owner. Admins: Alice Admin.');
    expect((await row(1)).status).toBe('open');
    await submitDialog(MEMBER, ackForm, 'Acknowledge', {});
    expect((await row(1)).status).toBe('acknowledged');
    expect(
      await sql().get(
        'SELECT o.external_id AS owner, r.external_id AS responder FROM incidents i JOIN people o ON o.id = i.owner_person_id JOIN people r ON r.id = i.responder_person_id WHERE i.number = 1',
      ),
    ).toEqual({ owner: 'aad-owner', responder: 'aad-member' });
    expect(text(channelCard(incidents))).toContain('Responder');
    expect(updatesTo(incidents) + updatesTo(leadership)).toBe(before + 2);

    const events = await auditCount();
    const refused = await click(MEMBER, executeActions(channelCard(incidents)).Mitigated as never);
    expect(text(refused)).toContain('Only the owner of INC-1 or an admin can mitigate it. The owner is Olivia Owner.');
    expect((await row(1)).status).toBe('acknowledged');
    expect(await auditCount()).toBe(events);

    before = updatesTo(incidents) + updatesTo(leadership);
    const mitigated = await click(OWNER, executeActions(channelCard(incidents)).Mitigated as never);
    expect(text(mitigated)).toContain('Mitigated');
    expect((await row(1)).status).toBe('mitigated');
    expect(updatesTo(incidents) + updatesTo(leadership)).toBe(before + 2);

    const resolveForm = await openDialog(OWNER, 'Resolve…');
    const resolved = await submitDialog(OWNER, resolveForm, 'Resolve', {
      rootCause: 'A bank changed its BIN ranges.',
      action1Title: 'Monitor BIN ranges',
      action1Owner: 'aad-owner',
      action1Due: '2026-12-01',
      action2Title: 'Retrain',
      action2Owner: 'aad-member',
      action2Due: '2026-12-15',
    });
    expect(text(resolved)).toContain('INC-1 resolved.');
    expect(await sql().count('corrective_actions')).toBe(2);

    await click(OWNER, executeActions(channelCard(incidents)).Close as never);
    expect((await row(1)).status).toBe('closed');
    await click(ADMIN, executeActions(channelCard(incidents)).Reopen as never);
    expect((await row(1)).status).toBe('open');
    expect(findList(channelCard(incidents) as Card, 'reopened').at(-1)).toMatch(/ Alice Admin reopened$/);
    expect(findList(channelCard(leadership) as Card, 'reopened').at(-1)).toMatch(/ Alice Admin reopened$/);
    // Every update went out through the outbox: one sent message per copy and change, as many as the connector got.
    const updates = await sql().all<{ status: string }>(
      "SELECT status FROM outbox_messages WHERE subject = 'incident:1' AND kind = 'update'",
    );
    expect(updates.every((m) => m.status === 'sent')).toBe(true);
    expect(updates).toHaveLength(updatesTo(incidents) + updatesTo(leadership) + updatesTo('conv-personal-aad-rep'));
  });

  it('only the owner or an admin reassigns an incident (aims incident INC-n owner @person); the refusal names them', async () => {
    await logInc1();
    const mention = { mentions: [{ id: '29:rob', name: 'Rob Responder' }] };
    const refused = text(await say(MEMBER, 'aims incident INC-1 owner <at>Rob Responder</at>', mention));
    expect(refused).toContain('Only the owner of INC-1 or an admin can reassign it.');
    expect(refused).toContain('The owner is Olivia Owner. Admins: Alice Admin.');
    expect(text(await say(OWNER, 'aims incident INC-1 owner <at>Rob Responder</at>', mention))).toContain(
      'Rob Responder is now the owner of INC-1.',
    );
    expect(
      await sql().get('SELECT p.external_id AS owner FROM incidents i JOIN people p ON p.id = i.owner_person_id WHERE i.number = 1'),
    ).toEqual({ owner: '29:rob' });
    // An admin may reassign it too: back to Olivia.
    expect(
      text(await say(ADMIN, 'aims incident INC-1 owner <at>Olivia Owner</at>', { mentions: [{ id: 'aad-owner', name: 'Olivia Owner' }] })),
    ).toContain('Olivia Owner is now the owner of INC-1.');
  });

  it('refuses a transition that does not start from the current state, showing the true state', async () => {
    await logInc1();
    const refused = await click(OWNER, { verb: 'aims.act', data: { aims: { action: 'incident.close', args: { incident: '1' } } } });
    expect(text(refused)).toContain('INC-1 is open: it cannot be closed from there. Possible now: acknowledge.');
    expect(Object.keys(executeActions(refused))).toEqual(['Acknowledge', 'Comment…']);
  });

  it('comments from the card, and lists corrective actions with Done buttons', async () => {
    await logInc1();
    await resolveInc1();
    const form = await openDialog(MEMBER, 'Comment…');
    expect(await submitDialog(MEMBER, form, 'Add comment', { comment: 'Bank notified.' })).toBe('Comment added.');
    expect(text(channelCard('19%3Aincidents%40thread.tacv2'))).toContain('Bank notified.');
    const mine = await say(MEMBER, 'action list mine');
    const done = Object.entries(executeActions(mine));
    expect(done).toHaveLength(1);
    expect(text(await click(MEMBER, done[0]?.[1] as never))).toMatch(/Action #\d+ is done\./);
  });

  it('lists 500 incidents as cards inside Teams’ limits, 25 a page, with user text kept out of markdown', async () => {
    await logInc1();
    const form = await say(REPORTER, 'aims incident');
    await click(
      REPORTER,
      fillCard(form, 'Report', {
        systemName: 'Shadow bot',
        title: '**bold** <at>everyone</at> [x](https://evil)',
        description: 'd',
        severity: 'S4',
        type: 'other',
        detectedAt__date: '2026-11-21',
        detectedAt__time: '10:00',
        affected: 'a',
      }),
    );
    const services = createServices({
      store: teams.app.store,
      clock: fixedClock('2026-11-22T10:00:00Z'),
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    });
    const reporter = actorOf(
      await services.directory.contact({ platform: 'teams', workspaceExternalId: 'tenant-1', userExternalId: 'aad-rep' }),
    );
    // Through the service, all in one transaction (each report a savepoint in it): the list is under test, not the form.
    await teams.app.store.write(async () => {
      for (let i = 0; i < 498; i++)
        await services.incidents.report(reporter, {
          systemName: 'Bulk',
          title: `Bulk incident ${i} ${'x'.repeat(120)}`,
          description: 'd',
          severity: 'S3',
          type: 'other',
          detectedAt: '2026-11-20T00:00:00Z',
          affected: 'a',
        });
    });
    const page = await say(MEMBER, 'aims incident list');
    expect(text(page)).toContain('1–25 of 500.');
    const shown = await say(MEMBER, 'aims incident INC-2');
    // Titles travel in TextRuns, which Teams never reads as markdown or mentions.
    expect(text(shown)).toContain('"type":"TextRun","text":"INC-2 · **bold** <at>everyone</at> [x](https://evil)"');
  });
});

describe('the reporter’s own copy on Teams', () => {
  it('the card the form became in the reporter’s personal chat is tracked and shows Closed, without lifecycle buttons, after the lifecycle', async () => {
    const before = teams.connector.activities.length;
    const form = await say(REPORTER, 'aims incident Scorer flags every payment');
    // The form card's message id, as the connector gave it: Teams sends it back as replyToId with the submit.
    const formId = teams.connector.activities.slice(before).find((entry) => entry.path.includes('conv-personal-aad-rep'))?.id ?? '';
    expect(formId).toMatch(/^reply-/);
    const logged = await click(REPORTER, fillCard(form, 'Report', { ...inc1, aiSystem: systemId }), { replyToId: formId });
    expect(text(logged)).toContain('Logged INC-1.');
    expect(
      await sql().all(
        "SELECT purpose, channel_id AS channel, message_id AS message FROM posted_messages WHERE subject = 'incident:1' ORDER BY id",
      ),
    ).toEqual([
      { purpose: expect.stringMatching(/^personal:incident\.yours:\d+$/), channel: 'conv-personal-aad-rep', message: formId },
      { purpose: 'incidents', channel: '19:incidents@thread.tacv2', message: expect.any(String) },
      { purpose: 'leadership', channel: '19:leadership@thread.tacv2', message: expect.any(String) },
    ]);
    // The in-place card is the copy: no second copy is sent into the reporter's chat.
    expect(
      teams.connector.activities.filter(
        (entry) => entry.method === 'POST' && entry.path === '/v3/conversations/conv-personal-aad-rep/activities',
      ),
    ).toEqual([]);

    await resolveInc1();
    await click(OWNER, executeActions(channelCard('19%3Aincidents%40thread.tacv2')).Close as never);
    expect((await row(1)).status).toBe('closed');
    const updates = teams.connector.activities.filter(
      (entry) => entry.method === 'PUT' && entry.path === `/v3/conversations/conv-personal-aad-rep/activities/${formId}`,
    );
    // Refreshed with every change (acknowledged, mitigated, resolved, closed), each a valid 1.5 card.
    expect(updates.length).toBeGreaterThanOrEqual(4);
    expect(updates.flatMap((entry) => entry.problems)).toEqual([]);
    const copy = cardOf(updates.at(-1)?.activity);
    expect(text(copy)).toContain('You reported INC-1. It is closed.');
    expect(text(copy)).toContain('Closed');
    expect(text(copy)).not.toContain('Open');
    expect(executeActions(copy)).toEqual({});
    // One sent refresh per change and copy, none left waiting or failed.
    expect(await sql().count('outbox_messages', "subject = 'incident:1' AND status NOT IN ('sent', 'superseded')")).toBe(0);
  });
});

describe('incident cards on Teams are scannable', () => {
  it('the channel post colours severity and status, @mentions the owner with a mention entity, and lists the timeline one event a line', async () => {
    await logInc1();
    const card = channelCard('19%3Aincidents%40thread.tacv2') as Card;
    const body = text(card);
    expect(body).toContain('{"type":"TextRun","text":"S1 critical","color":"Attention"}');
    expect(body).toContain('{"type":"TextRun","text":"Open","color":"Attention"}');
    // The owner is asked to act: an <at> mention Teams resolves through the card's entities.
    expect(body).toContain('{"type":"TextBlock","text":"<at>Olivia Owner</at>","wrap":true}');
    expect((card.msteams as { entities?: unknown }).entities).toEqual([
      { type: 'mention', text: '<at>Olivia Owner</at>', mentioned: { id: 'aad-owner', name: 'Olivia Owner' } },
    ]);
    // One row per event: when (Berlin time), who, what.
    const timeline = findList(card, 'reported it');
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toBe('• 22 Nov 2026 11:00 Rita Reporter reported it');

    await submitDialog(OWNER, await openDialog(OWNER, 'Acknowledge'), 'Acknowledge', {});
    const after = channelCard('19%3Aincidents%40thread.tacv2') as Card;
    expect(text(after)).toContain('{"type":"TextRun","text":"Acknowledged","color":"Warning"}');
    expect(findList(after, 'reported it')).toEqual([
      expect.stringContaining('Rita Reporter reported it'),
      expect.stringContaining('Olivia Owner acknowledged'),
    ]);
  });

  it('each row of the incident list has an Open button that shows that incident’s card', async () => {
    await logInc1();
    const list = await say(MEMBER, 'aims incident list');
    expect(text(list)).toContain('{"type":"TextRun","text":"S1","color":"Attention"}');
    const open = executeActions(list).Open as { verb: string; data: Record<string, unknown> };
    expect(open.data).toEqual({ aims: { action: 'incident.show', args: { incident: '1' } } });
    const shown = await click(MEMBER, open);
    expect(text(shown)).toContain('INC-1 · Scorer flags every payment');
    expect(Object.keys(executeActions(shown))).toEqual(['Acknowledge', 'Comment…']);
  });

  it('the report form says what each severity means on Teams too', async () => {
    const form = await say(REPORTER, 'aims incident Something odd');
    expect(text(form)).toContain('"title":"S1 critical — Harm to people or the business now; stop or roll back","value":"S1"');
    expect(text(form)).toContain('"title":"S4 minor — Cosmetic or no harm; note and learn","value":"S4"');
  });
});

/** The lines of the card's list that contains `needle`, as plain text. */
function findList(card: Card, needle: string): string[] {
  const lists: string[][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const element = node as { type?: string; items?: unknown[] };
    if (element.type === 'Container' && Array.isArray(element.items)) {
      const lines = element.items.map((item) =>
        ((item as { inlines?: Array<{ text: string }> }).inlines ?? []).map((inline) => inline.text).join(''),
      );
      if (lines.some((line) => line.includes(needle))) lists.push(lines);
    }
    Object.values(node).forEach(visit);
  };
  visit(card.body);
  return lists[0] ?? [];
}

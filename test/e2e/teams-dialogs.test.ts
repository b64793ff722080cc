import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardInputs, executeActions, fillCard, fillDialog, submitActions, type PostedIn } from '../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../helpers/start-test-app.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { startTeamsWorkspace, TEAMS_ADMIN, TEAMS_CHANNELS, TEAMS_OWNER } from '../helpers/workspace-builders.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
let teams: Harness;
const { say, click, dialog, clickShared } = teamsConversation(() => teams);

const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const REPORTER = { user: 'aad-rep', name: 'Rita Reporter' };
const APPROVER = { user: 'aad-app1', name: 'Ann Approver' };
const INCIDENTS = '19:incidents@thread.tacv2';
const APPROVALS = '19:approvals@thread.tacv2';

const text = (value: unknown) => JSON.stringify(value ?? null);
const status = async (table: 'incidents' | 'releases', key: string, id: number) =>
  (await sqlOf(teams.app.store).get<{ status: string }>(`SELECT status FROM ${table} WHERE ${key} = ?`, id))?.status;
/** The whole store that a refused or invalid action must leave as it was: state rows and the audit chain's head. */
const snapshot = async () => {
  const sql = sqlOf(teams.app.store);
  return {
    incidents: await sql.all('SELECT * FROM incidents ORDER BY id'),
    actions: await sql.all('SELECT * FROM corrective_actions ORDER BY id'),
    releases: await sql.all('SELECT * FROM releases ORDER BY id'),
    audit: await sql.get('SELECT sequence, hash FROM audit_events ORDER BY sequence DESC LIMIT 1'),
  };
};

/** Where the bot first posted a card about `key` in a channel: that message's activity id. */
function postedIn(conversationId: string, key: string): PostedIn {
  const post = teams.connector.activities.find(
    (entry) =>
      entry.method === 'POST' &&
      entry.path === `/v3/conversations/${encodeURIComponent(conversationId)}/activities` &&
      text(entry.activity).includes(`${key} ·`),
  );
  expect(post, `a card about ${key} posted to ${conversationId}`).toBeDefined();
  return { conversationId, activityId: post?.id ?? '' };
}

/** The channel card as everyone sees it now, checked to be the record's card and never a form or someone's banner. */
function channelCard(where: PostedIn, banners: string[] = []): Card {
  const card = teams.connector.cardNow(where.conversationId, where.activityId);
  expect(card).toBeDefined();
  expect(Object.keys(cardInputs(card))).toEqual([]);
  for (const banner of banners) expect(text(card)).not.toContain(banner);
  return card as Card;
}

/** Opens the dialog of a button on the channel card. */
async function openDialog(who: { user: string; name: string }, where: PostedIn, label: string) {
  const data = submitActions(channelCard(where))[label];
  expect(data, `"${label}" opens a dialog`).toMatchObject({ msteams: { type: 'task/fetch' } });
  const opened = await dialog(who, 'task/fetch', data as Record<string, unknown>, where);
  if (opened.type !== 'continue') throw new Error(`"${label}" answered "${opened.text}" instead of a dialog`);
  return opened;
}

beforeEach(async () => {
  ({ teams } = await startTeamsWorkspace(
    { '29:app1': { name: 'Ann Approver', aadObjectId: 'aad-app1' } },
    {
      people: [TEAMS_OWNER, MEMBER, REPORTER, APPROVER],
      setup: { defaultApprovals: '1' },
      channels: { incidents: TEAMS_CHANNELS.incidents, approvals: TEAMS_CHANNELS.approvals },
    },
  ));
});
afterEach(async () => {
  try {
    // Every card the connector got parsed at Adaptive Cards 1.5; the audit chain verifies.
    expect(teams.connector.activities.flatMap((entry) => entry.problems)).toEqual([]);
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  } finally {
    await teams.close();
  }
});

/** INC-1 as the reporter logs it in their personal chat: posted to the incidents channel. */
async function logIncident(): Promise<PostedIn> {
  const systemId = String((await sqlOf(teams.app.store).get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id);
  const form = await say(REPORTER, 'aims incident Scorer flags every payment');
  const logged = await click(
    REPORTER,
    fillCard(form, 'Report', {
      aiSystem: systemId,
      description: 'Since the 20th the scorer flags most payments from one bank.',
      severity: 'S3',
      type: 'model-drift',
      detectedAt__date: '2026-11-22',
      detectedAt__time: '09:30',
      affected: 'Customers of one bank.',
    }),
  );
  expect(text(logged)).toContain('Logged INC-1.');
  return postedIn(INCIDENTS, 'INC-1');
}

describe('Teams: buttons on a channel card open dialogs; the card only ever shows the true state', () => {
  it('Acknowledge, Comment… and Resolve… open task/fetch dialogs; after task/submit the channel card shows the new state, no form, no banner', async () => {
    const where = await logIncident();
    const card = channelCard(where);
    // Buttons that ask for input open a dialog; the others act in place.
    expect(Object.keys(submitActions(card))).toEqual(['Acknowledge', 'Comment…']);
    expect(Object.keys(executeActions(card))).toEqual([]);

    const ack = await openDialog(MEMBER, where, 'Acknowledge');
    expect(text(ack.card)).toContain('Olivia Owner stays the owner');
    // The dialog's own close is its cancel: no Cancel button, no Action.Execute that would answer in place.
    expect(Object.keys(executeActions(ack.card))).toEqual([]);
    expect(await dialog(MEMBER, 'task/submit', fillDialog(ack.card, 'Acknowledge', {}), where)).toEqual({
      type: 'message',
      text: 'INC-1 acknowledged.',
    });
    expect(await status('incidents', 'number', 1)).toBe('acknowledged');
    const acknowledged = channelCard(where, ['INC-1 acknowledged.']);
    expect(text(acknowledged)).toContain('Acknowledged');
    expect(text(acknowledged)).toContain('Mia Member');
    expect(Object.keys(submitActions(acknowledged))).toEqual(['Resolve…', 'Comment…']);
    expect(Object.keys(executeActions(acknowledged))).toEqual(['Mitigated']);

    const comment = await openDialog(MEMBER, where, 'Comment…');
    expect(
      await dialog(MEMBER, 'task/submit', fillDialog(comment.card, 'Add comment', { comment: 'Bank B confirmed the BIN change.' }), where),
    ).toEqual({
      type: 'message',
      text: 'Comment added.',
    });
    expect(text(channelCard(where, ['Comment added.']))).toContain('Bank B confirmed the BIN change.');

    // A click that needs no input answers with the record's card as it now stands, for everyone: no banner.
    const mitigated = await clickShared(TEAMS_OWNER, executeActions(channelCard(where)).Mitigated as never, where);
    expect(mitigated.type).toBe('card');
    expect(text(mitigated)).toContain('Mitigated');
    expect(await status('incidents', 'number', 1)).toBe('mitigated');

    const resolve = await openDialog(TEAMS_OWNER, where, 'Resolve…');
    const resolved = await dialog(
      TEAMS_OWNER,
      'task/submit',
      fillDialog(resolve.card, 'Resolve', {
        rootCause: 'A bank changed its BIN ranges.',
        action1Title: 'Monitor BIN ranges',
        action1Owner: TEAMS_OWNER.user,
        action1Due: '2026-12-20',
      }),
      where,
    );
    expect(resolved).toEqual({ type: 'message', text: 'INC-1 resolved.' });
    const final = channelCard(where, ['INC-1 resolved.']);
    expect(text(final)).toContain('Resolved');
    expect(text(final)).toContain('Monitor BIN ranges');
  });

  it('an invalid dialog submission redraws the errors in the dialog and changes nothing', async () => {
    const where = await logIncident();
    const ack = await openDialog(MEMBER, where, 'Acknowledge');
    await dialog(MEMBER, 'task/submit', fillDialog(ack.card, 'Acknowledge', {}), where);
    await clickShared(TEAMS_OWNER, executeActions(channelCard(where)).Mitigated as never, where);
    const before = await snapshot();
    const shown = channelCard(where);

    const resolve = await openDialog(TEAMS_OWNER, where, 'Resolve…');
    // A corrective action without its owner and due date, and no root cause.
    const invalid = await dialog(
      TEAMS_OWNER,
      'task/submit',
      fillDialog(resolve.card, 'Resolve', { action1Title: 'Monitor BIN ranges' }),
      where,
    );
    expect(invalid.type).toBe('continue');
    if (invalid.type !== 'continue') return;
    expect(text(invalid.card)).toContain('Please fix the fields marked below.');
    // What was typed stays; the dialog can be submitted again.
    expect(cardInputs(invalid.card).action1Title).toBe('Monitor BIN ranges');
    expect(submitActions(invalid.card).Resolve).toBeDefined();
    expect(await snapshot()).toEqual(before);
    expect(channelCard(where)).toEqual(shown);
  });

  it('a refused click goes to the clicker alone; the channel card stays as it was', async () => {
    const where = await logIncident();
    const ack = await openDialog(MEMBER, where, 'Acknowledge');
    await dialog(MEMBER, 'task/submit', fillDialog(ack.card, 'Acknowledge', {}), where);
    const before = await snapshot();
    const shown = channelCard(where);
    const updates = teams.connector.activities.filter((entry) => entry.method === 'PUT').length;

    const refused = await clickShared(MEMBER, executeActions(shown).Mitigated as never, where);
    expect(refused).toEqual({
      type: 'message',
      text: 'Only the owner of INC-1 or an admin can mitigate it. The owner is Olivia Owner. Admins: Alice Admin.',
    });
    // A form button whose form is refused says so in place of the dialog, to the clicker alone.
    const resolve = await dialog(MEMBER, 'task/fetch', submitActions(shown)['Resolve…'] as Record<string, unknown>, where);
    expect(resolve.type).toBe('message');
    expect(await snapshot()).toEqual(before);
    expect(channelCard(where)).toEqual(shown);
    expect(teams.connector.activities.filter((entry) => entry.method === 'PUT').length).toBe(updates);
  });

  it('Reject… on a release card in the approvals channel opens a dialog; after submit the card shows Rejected, no banner', async () => {
    await say(TEAMS_ADMIN, 'aims role grant <at>Ann Approver</at> approver', { mentions: [{ id: '29:app1', name: 'Ann Approver' }] });
    const pick = await say(MEMBER, 'aims release');
    const systemId = String(
      (await sqlOf(teams.app.store).get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id,
    );
    const form = await click(MEMBER, fillCard(pick, 'Next', { aiSystem: systemId }));
    const requested = await click(
      MEMBER,
      fillCard(form, 'Request sign-off', { version: '2.5.0', changeType: 'retrain', whatChanged: 'Retrained.', risks: 'Few.' }),
    );
    expect(text(requested)).toContain('Requested REL-1.');
    const where = postedIn(APPROVALS, 'REL-1');
    const card = channelCard(where);
    expect(Object.keys(submitActions(card))).toEqual(['Approve with comment…', 'Reject…', 'Withdraw']);
    expect(Object.keys(executeActions(card))).toEqual(['Approve']);

    // The requester may not decide: told alone, in place of the dialog.
    const own = await dialog(MEMBER, 'task/fetch', submitActions(card)['Reject…'] as Record<string, unknown>, where);
    expect(own).toMatchObject({ type: 'message', text: expect.stringContaining('You requested REL-1') });

    const reject = await openDialog(APPROVER, where, 'Reject…');
    const before = await snapshot();
    // The reason is required: redrawn in the dialog, nothing stored.
    const missing = await dialog(APPROVER, 'task/submit', fillDialog(reject.card, 'Reject', {}), where);
    expect(missing.type).toBe('continue');
    expect(await snapshot()).toEqual(before);
    expect(await dialog(APPROVER, 'task/submit', fillDialog(reject.card, 'Reject', { reason: 'Stale evaluation set.' }), where)).toEqual({
      type: 'message',
      text: 'REL-1 is rejected. The requester was told.',
    });
    expect(await status('releases', 'id', 1)).toBe('rejected');
    const rejected = channelCard(where, ['REL-1 is rejected.']);
    expect(text(rejected)).toContain('Rejected');
    expect(text(rejected)).toContain('Stale evaluation set.');
    expect(Object.keys(submitActions(rejected))).toEqual([]);
  });

  it('Approve on the approvals channel card acts in place: the card shows the decision for everyone, without "approved" banners', async () => {
    await say(TEAMS_ADMIN, 'aims role grant <at>Ann Approver</at> approver', { mentions: [{ id: '29:app1', name: 'Ann Approver' }] });
    const pick = await say(MEMBER, 'aims release');
    const systemId = String(
      (await sqlOf(teams.app.store).get<{ id: number }>("SELECT id FROM ai_systems WHERE name = 'Fraud Scorer'"))?.id,
    );
    const form = await click(MEMBER, fillCard(pick, 'Next', { aiSystem: systemId }));
    await click(
      MEMBER,
      fillCard(form, 'Request sign-off', { version: '2.5.0', changeType: 'retrain', whatChanged: 'Retrained.', risks: 'Few.' }),
    );
    const where = postedIn(APPROVALS, 'REL-1');
    const approve = executeActions(channelCard(where)).Approve as never;
    // The requester's own click is refused to them alone.
    expect(await clickShared(MEMBER, approve, where)).toMatchObject({
      type: 'message',
      text: expect.stringContaining('You requested REL-1'),
    });
    const approved = await clickShared(APPROVER, approve, where);
    expect(approved.type).toBe('card');
    expect(text(approved)).toContain('Approved');
    expect(text(approved)).not.toContain('REL-1 is approved.');
    expect(await status('releases', 'id', 1)).toBe('approved');
    expect(text(channelCard(where, ['REL-1 is approved.']))).toContain('1 of 1 (Ann Approver)');
  });

  it('a picker too long for one card is narrowed with Find inside the dialog, keeping the dialog open', async () => {
    const directory = createServices({
      store: teams.app.store,
      clock: systemClock,
      directory: { seedAdmins: [], firstContactBecomesAdmin: false },
      defaultTimeZone: 'UTC',
      logger: createLogger('silent'),
    }).directory;
    for (let i = 1; i <= 130; i++)
      await directory.contact({
        platform: 'teams',
        workspaceExternalId: 'tenant-1',
        userExternalId: `aad-colleague-${i}`,
        displayName: `Colleague ${String(i).padStart(3, '0')}`,
      });
    const where = await logIncident();
    // The owner's Acknowledge form names the owner: 130 people are more than a card carries.
    const ack = await openDialog(TEAMS_OWNER, where, 'Acknowledge');
    const find = submitActions(ack.card).Find;
    expect(find).toBeDefined();
    const narrowed = await dialog(TEAMS_OWNER, 'task/submit', { ...find, owner__find: 'colleague 117' }, where);
    if (narrowed.type !== 'continue') throw new Error(`Find closed the dialog: ${narrowed.text}`);
    const owner = (narrowed.card.body as Array<Record<string, unknown>>).find((element) => element.id === 'owner') as {
      choices: Array<{ title: string; value: string }>;
    };
    // The matches, and the owner already chosen.
    expect(owner.choices).toEqual([
      { title: 'Colleague 117', value: 'aad-colleague-117' },
      { title: 'Olivia Owner', value: 'aad-owner' },
    ]);
    expect(
      await dialog(TEAMS_OWNER, 'task/submit', fillDialog(narrowed.card, 'Acknowledge', { owner: 'aad-colleague-117' }), where),
    ).toEqual({
      type: 'message',
      text: 'INC-1 acknowledged.',
    });
    expect(text(channelCard(where, ['INC-1 acknowledged.']))).toContain('Colleague 117');
  });

  it('a card the bot sent as a reply in the channel is refreshed too once its dialog is saved', async () => {
    await logIncident();
    // A member asks for INC-1 in the channel's thread: the reply is a card everyone there sees, with its buttons.
    const shown = await say(MEMBER, 'aims incident INC-1', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: TEAMS_CHANNELS.incidents,
    });
    expect(Object.keys(submitActions(shown))).toEqual(['Acknowledge', 'Comment…']);
    const reply = teams.connector.activities.filter((entry) => entry.method === 'POST' && text(entry.activity).includes('INC-1 ·')).at(-1);
    const where: PostedIn = { conversationId: INCIDENTS, activityId: reply?.id ?? '' };
    expect(channelCard(where)).toEqual(shown);

    const comment = await openDialog(MEMBER, where, 'Comment…');
    expect(await dialog(MEMBER, 'task/submit', fillDialog(comment.card, 'Add comment', { comment: 'Seen it here too.' }), where)).toEqual({
      type: 'message',
      text: 'Comment added.',
    });
    const refreshed = channelCard(where, ['Comment added.']);
    expect(text(refreshed)).toContain('Seen it here too.');
    expect(Object.keys(submitActions(refreshed))).toEqual(['Acknowledge', 'Comment…']);
  });
  it('a list asked for in the channel opens each row in a read-only dialog; the list stays as it was for everyone', async () => {
    await logIncident();
    const list = await say(MEMBER, 'aims incident list', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: TEAMS_CHANNELS.incidents,
    });
    const open = submitActions(list).Open as Record<string, unknown>;
    expect(open).toMatchObject({ msteams: { type: 'task/fetch' }, aims: { action: 'incident.show', args: { incident: '1' }, show: true } });
    const reply = teams.connector.activities
      .filter((entry) => entry.method === 'POST' && text(entry.activity).includes('incident.show'))
      .at(-1);
    const where: PostedIn = { conversationId: INCIDENTS, activityId: reply?.id ?? '' };
    const before = teams.connector.activities.length;
    const shown = await dialog(MEMBER, 'task/fetch', open, where);
    if (shown.type !== 'continue') throw new Error(`Open answered "${shown.text}" instead of a dialog`);
    expect(text(shown.card)).toContain('INC-1 · Scorer flags every payment');
    // Read-only: acting happens on the incident's own card.
    expect(Object.keys(submitActions(shown.card))).toEqual([]);
    // Nothing was sent or updated in the channel: the list is still the list.
    expect(teams.connector.activities.slice(before).filter((entry) => entry.method === 'PUT')).toEqual([]);
    expect(channelCard(where)).toEqual(list);
  });
});

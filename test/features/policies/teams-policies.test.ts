import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardOf, executeActions, fillCard, fillDialog, submitActions } from '../../helpers/fake-teams-connector.ts';
import type { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';
import { startTeamsWorkspace, TEAMS_CHANNELS } from '../../helpers/workspace-builders.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
type Card = Record<string, unknown>;
type Who = { user: string; name: string };
let teams: Harness;
const { say, click, dialog } = teamsConversation(() => teams);

// Everyone the bot knows in the tenant: the admin who writes the policy and two approvers.
const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const APPROVER1 = { user: 'aad-app1', name: 'Ann Approver' };
const APPROVER2 = { user: 'aad-app2', name: 'Ben Approver' };
const APPROVALS = '19%3Aapprovals%40thread.tacv2';

const text = (value: unknown) => JSON.stringify(value ?? null);
const sql = () => sqlOf(teams.app.store);

const v1 = () => ({
  name: 'AI policy',
  title: 'How we build and run AI',
  effectiveDate: '2026-12-01',
  link: 'https://intranet.example.com/ai-policy-v1',
  text: 'We keep an inventory of AI systems, assess their impact and review them.',
  changes: 'First version.',
  audience: 'everyone',
});

/** A version's card as last posted or updated in the approvals channel. */
function approvalsCard(label: string): Card | undefined {
  return cardOf(
    teams.connector.activities
      .filter((entry) => entry.path.startsWith(`/v3/conversations/${APPROVALS}/activities`) && text(entry.activity).includes(label))
      .at(-1)?.activity,
  );
}

/** The DMs (posts to their personal chat) asking a person to acknowledge `label`. */
const asks = (who: Who, label: string) =>
  teams.connector.activities.filter(
    (entry) =>
      entry.method === 'POST' &&
      entry.path.split('/')[3] === `conv-personal-${who.user}` &&
      text(entry.activity).includes(`Please read ${label}`),
  );

const askCard = (who: Who, label: string) => cardOf(asks(who, label)[0]?.activity);

async function addVersion(values: Record<string, string>): Promise<Card> {
  const form = await say(ADMIN, 'aims policy add');
  return await click(ADMIN, fillCard(form, 'Add for approval', values));
}

async function approveBoth(label: string, version: string) {
  const approve = () => executeActions(approvalsCard(label))[`Approve ${version}`] as never;
  expect(text(await click(APPROVER1, approve()))).toContain('Your approval is recorded.');
  expect(text(await click(APPROVER2, approve()))).toContain('is approved');
}

async function publish(ref: string): Promise<Card> {
  const confirm = await say(ADMIN, `aims policy ${ref} publish`);
  const button = Object.entries(executeActions(confirm)).find(([label]) => label.startsWith('Publish'))?.[1];
  expect(button, text(confirm)).toBeDefined();
  return await click(ADMIN, button as never);
}

beforeEach(async () => {
  ({ teams } = await startTeamsWorkspace(
    { '29:app1': { name: 'Ann Approver', aadObjectId: 'aad-app1' }, '29:app2': { name: 'Ben Approver', aadObjectId: 'aad-app2' } },
    {
      people: [APPROVER1, APPROVER2],
      channels: { approvals: TEAMS_CHANNELS.approvals, leadership: TEAMS_CHANNELS.leadership },
      system: null,
    },
  ));
  await say(ADMIN, 'aims role grant <at>Ann Approver</at> approver', { mentions: [{ id: '29:app1', name: 'Ann Approver' }] });
  await say(ADMIN, 'aims role grant <at>Ben Approver</at> approver', { mentions: [{ id: '29:app2', name: 'Ben Approver' }] });
});
afterEach(async () => {
  await teams.close();
});

describe('policies on Teams, end to end', () => {
  it('v1 approved and published to 3 people, 2 acknowledge (a double click counts once), the third is nudged the next day; v2 asks all 3 again', async () => {
    expect(text(await addVersion(v1()))).toContain('Added AI policy v1 (POL-1).');
    expect(text(approvalsCard('AI policy v1'))).toContain('Awaiting approval');
    expect(text(await say(ADMIN, 'aims policy AI policy publish'))).toContain(
      'AI policy v1 is not approved yet (0 of 2 approvals): it cannot be published before.',
    );
    await approveBoth('AI policy v1', 'v1');
    expect(text(await publish('AI policy'))).toContain('Published AI policy v1: 3 people were asked to acknowledge it.');
    for (const who of [ADMIN, APPROVER1, APPROVER2]) {
      expect(asks(who, 'AI policy v1'), who.user).toHaveLength(1);
      expect(asks(who, 'AI policy v1')[0]?.problems).toEqual([]);
      expect(Object.keys(executeActions(askCard(who, 'AI policy v1')))).toEqual(['Acknowledge v1']);
    }
    const acknowledge = (who: Who, label: string, version: string) =>
      executeActions(askCard(who, label))[`Acknowledge ${version}`] as never;
    expect(text(await click(ADMIN, acknowledge(ADMIN, 'AI policy v1', 'v1')))).toContain(
      'Your acknowledgement of AI policy v1 is recorded',
    );
    expect(text(await click(APPROVER1, acknowledge(APPROVER1, 'AI policy v1', 'v1')))).toContain('is recorded');
    // The same button twice (a double click): once.
    expect(text(await click(APPROVER1, acknowledge(APPROVER1, 'AI policy v1', 'v1')))).toContain('it counts once');
    expect(await sql().count('policy_acknowledgements', "status = 'acknowledged'")).toBe(2);
    const hash = (await sql().get<{ h: string }>('SELECT content_hash AS h FROM policy_versions WHERE version = 1'))?.h;
    expect(await sql().all("SELECT content_hash AS hash FROM policy_acknowledgements WHERE status = 'acknowledged'")).toEqual([
      { hash },
      { hash },
    ]);

    const status = text(await say(ADMIN, 'aims status'));
    expect(status).toContain('AI policy v1: 2 of 3 (67%)');
    expect(status).toMatch(/Annex A controls with records.*A\.2\.2/);

    // The next day: only the one who has not acknowledged is nudged, in their personal chat.
    const before = teams.connector.activities.length;
    await teams.app.runJob('nudges', new Date('2026-11-23T08:00:00Z'));
    const nudges = teams.connector.activities
      .slice(before)
      .filter((entry) => entry.method === 'POST' && text(entry.activity).includes('Acknowledge AI policy v1'));
    expect(nudges.map((entry) => entry.path.split('/')[3])).toEqual(['conv-personal-aad-app2']);

    // v2 asks all three again; the old v1 button is refused, naming v2.
    expect(text(await addVersion({ ...v1(), title: 'How we build, buy and run AI', changes: 'Covers bought AI.' }))).toContain(
      'Added AI policy v2 (POL-1).',
    );
    await approveBoth('AI policy v2', 'v2');
    expect(text(await publish('POL-1'))).toContain('Published AI policy v2: 3 people were asked to acknowledge it.');
    for (const who of [ADMIN, APPROVER1, APPROVER2]) expect(asks(who, 'AI policy v2'), who.user).toHaveLength(1);
    expect(text(await click(APPROVER2, acknowledge(APPROVER2, 'AI policy v1', 'v1')))).toContain(
      'v1 of AI policy was replaced by v2: acknowledge v2 instead.',
    );
    expect(text(await click(APPROVER2, acknowledge(APPROVER2, 'AI policy v2', 'v2')))).toContain(
      'Your acknowledgement of AI policy v2 is recorded',
    );
    expect(text(await say(ADMIN, 'aims status'))).toContain('AI policy v2: 1 of 3 (33%)');
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('the card the author’s form became stays live; Publish on the approvals card first says how many will be asked; thanks once', async () => {
    const before = teams.connector.activities.length;
    const form = await say(ADMIN, 'aims policy add');
    const cardId = teams.connector.activities.slice(before).find((entry) => entry.path.includes('conv-personal-aad-admin'))?.id ?? '';
    // The form turns into the policy's card in place, on the message Teams names in replyToId.
    const added = await click(ADMIN, fillCard(form, 'Add for approval', v1()), { replyToId: cardId });
    expect(text(added)).toContain('Added AI policy v1 (POL-1).');
    expect(text(added)).toContain('Awaiting approval');
    await approveBoth('AI policy v1', 'v1');
    const updates = () =>
      teams.connector.activities.filter(
        (entry) => entry.method === 'PUT' && entry.path === `/v3/conversations/conv-personal-aad-admin/activities/${cardId}`,
      );
    expect(updates().flatMap((entry) => entry.problems)).toEqual([]);
    const approved = cardOf(updates().at(-1)?.activity);
    expect(text(approved)).toContain('AI policy v1 is approved: it can be published now.');
    expect(text(approved)).not.toContain('Awaiting approval');

    // Publish on the approvals channel's card: a dialog says who will be asked before anything goes out.
    const post = teams.connector.activities.find(
      (entry) =>
        entry.method === 'POST' &&
        entry.path === `/v3/conversations/${APPROVALS}/activities` &&
        text(entry.activity).includes('AI policy v1'),
    );
    const where = { conversationId: '19:approvals@thread.tacv2', activityId: post?.id ?? '' };
    const opened = await dialog(
      ADMIN,
      'task/fetch',
      submitActions(approvalsCard('AI policy v1'))['Publish v1'] as Record<string, unknown>,
      where,
    );
    if (opened.type !== 'continue') throw new Error(`Publish answered "${opened.text}" instead of a dialog`);
    expect(text(opened.card)).toContain('3 people (everyone) will each get a message asking them to acknowledge v1.');
    expect(await sql().count('policy_acknowledgements')).toBe(0);
    const done = await dialog(ADMIN, 'task/submit', fillDialog(opened.card, 'Publish', {}), where);
    expect(done).toMatchObject({
      type: 'message',
      text: expect.stringContaining('Published AI policy v1: 3 people were asked to acknowledge it.'),
    });
    expect(await sql().count('policy_acknowledgements')).toBe(3);
    const published = cardOf(updates().at(-1)?.activity);
    expect(text(published)).toContain('AI policy v1 is published.');
    expect(text(published)).toContain('0 of 3');

    const thanked = text(await click(APPROVER1, executeActions(askCard(APPROVER1, 'AI policy v1'))['Acknowledge v1'] as never));
    expect(thanked).toContain('Your acknowledgement of AI policy v1 is recorded.');
    expect(thanked.match(/thank you/gi)).toHaveLength(1);
  });

  it('refuses at the field on the card: text over 3,000 characters, a link that is not http(s); nothing written', async () => {
    expect(text(await addVersion({ ...v1(), text: 'x'.repeat(3001) }))).toContain('The text can be at most 3,000 characters');
    expect(text(await addVersion({ ...v1(), link: 'ftp://files.example.com/policy' }))).toContain(
      'The link must be a web address starting with http:// or https://.',
    );
    expect(await sql().count('policy_versions')).toBe(0);
  });

  it('a click carrying another tenant’s acknowledgement changes nothing and shows nothing of it', async () => {
    await addVersion(v1());
    await approveBoth('AI policy v1', 'v1');
    await publish('AI policy');
    const outsider = { user: 'aad-admin', name: 'Alice Elsewhere', tenant: 'tenant-2' };
    await say(outsider, 'aims status', { tenant: 'tenant-2' });
    const answer = text(await click(outsider, executeActions(askCard(ADMIN, 'AI policy v1'))['Acknowledge v1'] as never));
    expect(answer).not.toContain('How we build and run AI');
    expect(await sql().count('policy_acknowledgements', "status = 'acknowledged'")).toBe(0);
    expect(text(await say(outsider, 'aims policy AI policy', { tenant: 'tenant-2' }))).toContain('There is no policy “AI policy”');
  });
});

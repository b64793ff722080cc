import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardInputs, fillCard } from '../../helpers/fake-teams-connector.ts';
import { startTeamsHarness } from '../../helpers/start-test-app.ts';
import { teamsConversation } from '../../helpers/teams-conversation.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
const { say, click } = teamsConversation(() => teams);
const sql = () => sqlOf(teams.app.store);
const firstCourseId = async () => String((await sql().get<{ id: number }>('SELECT id FROM courses ORDER BY id'))?.id);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const MEMBER = { user: 'aad-member', name: 'Mia Member' };
const ANN = { user: 'aad-ann', name: 'Ann Approver' };
const BEN = { user: 'aad-ben', name: 'Ben Approver' };
const CLEO = { user: 'aad-cleo', name: 'Cleo Approver' };
const text = (value: unknown) => JSON.stringify(value ?? null);

// Each test has its own bot, store and fake connector: a tenant with an admin, a member and three approvers, all said hello.
beforeEach(async () => {
  teams = await startTeamsHarness(
    { AIMS_ADMINS: 'teams:aad-admin' },
    {
      '29:ann': { name: 'Ann Approver', aadObjectId: 'aad-ann' },
      '29:ben': { name: 'Ben Approver', aadObjectId: 'aad-ben' },
      '29:cleo': { name: 'Cleo Approver', aadObjectId: 'aad-cleo' },
      '29:mia': { name: 'Mia Member', aadObjectId: 'aad-member' },
      '29:zoe': { name: 'Zoe Newcomer', aadObjectId: 'aad-zoe' },
    },
  );
  for (const who of [ADMIN, MEMBER, ANN, BEN, CLEO]) await say(who, 'aims status');
  for (const [id, name] of [
    ['29:ann', 'Ann Approver'],
    ['29:ben', 'Ben Approver'],
    ['29:cleo', 'Cleo Approver'],
  ] as const) {
    await say(ADMIN, `aims role grant <at>${name}</at> approver`, { mentions: [{ id, name }] });
  }
});
afterEach(async () => {
  await teams.close();
});

/** The course Responsible AI basics, for approvers, renewed every 12 months, saved by the admin from its card. */
async function addCourse(): Promise<Record<string, unknown> | undefined> {
  const courseForm = await say(ADMIN, 'aims training course add');
  return await click(
    ADMIN,
    fillCard(courseForm, 'Save', {
      name: 'Responsible AI basics',
      description: 'Policy and reporting.',
      requiredRoles: 'approver',
      renewalMonths: '12',
    }),
  );
}

describe('training on Teams, end to end', () => {
  it('adds a course for approvers renewed every 12 months, records a session with three attendees who are told, and reports as of 13 months later', async () => {
    expect(text(await say(MEMBER, 'aims training course add'))).toContain('Only admins can manage courses.');
    expect(text(await say(ADMIN, 'aims training course add'))).toContain('"isMultiSelect":true');
    expect(text(await addCourse())).toContain('for approvers · renewed every 12 months');

    const session = await say(MEMBER, 'aims training');
    expect(Object.keys(cardInputs(session))).toEqual(['course', 'date', 'trainer', 'attendees', 'evidence']);
    const courseId = await firstCourseId();
    const empty = await click(
      MEMBER,
      fillCard(session, 'Record', { course: courseId, date: '2026-11-20', trainer: 'Dana', attendees: '' }),
    );
    expect(text(empty)).toContain('Add at least one attendee.');
    // A member records for others only as a trainer (or admin): refused at the field, naming who can.
    const refused = text(
      await click(
        MEMBER,
        fillCard(session, 'Record', { course: courseId, date: '2026-11-20', trainer: 'Dana', attendees: 'aad-ann,aad-admin' }),
      ),
    );
    expect(refused).toContain('Only admins and trainers can record training for other people; you can record your own attendance.');
    expect(refused).toContain('Admins: Alice Admin.');
    expect(await sql().count('training_completions')).toBe(0);
    expect(
      text(await say(ADMIN, 'aims role grant <at>Mia Member</at> trainer', { mentions: [{ id: '29:mia', name: 'Mia Member' }] })),
    ).toContain('Mia Member is now a trainer.');
    const dmsBefore = teams.connector.activities.filter((entry) =>
      /conv-personal-aad-(ann|ben|member)\/activities$/.test(entry.path),
    ).length;
    const recorded = await click(
      MEMBER,
      fillCard(session, 'Record', { course: courseId, date: '2026-11-20', trainer: 'Dana', attendees: 'aad-ann,aad-ben,aad-member' }),
    );
    expect(text(recorded)).toContain('for 3 people. Attendees were told.');
    const dms = teams.connector.activities.filter((entry) => /conv-personal-aad-(ann|ben|member)\/activities$/.test(entry.path));
    expect(dms.length).toBe(dmsBefore + 3);
    expect(text(dms.at(-1)?.activity)).toContain('Your attendance at Responsible AI basics on 20 Nov 2026 was recorded by Mia Member.');

    expect(text(await say(ANN, 'aims training me'))).toContain('Nothing is due.');
    // Only real calendar days: nothing is recorded for 2025-02-30 or 2025-99-99.
    expect(text(await say(CLEO, 'aims training done "Responsible AI basics" 2025-02-30'))).toContain(
      '2025-02-30 is not a day on the calendar.',
    );
    expect(text(await say(CLEO, 'aims training done "Responsible AI basics" 2025-99-99'))).toContain(
      '2025-99-99 is not a day on the calendar.',
    );
    expect(text(await say(CLEO, 'aims training me'))).toContain('1 required course(s) due or overdue.');
    const later = text(await say(ADMIN, 'aims training report as of 2027-12-22'));
    expect(later).toContain('0% (0 of 3)');
    expect(later).toContain('Ann Approver, Ben Approver, Cleo Approver');
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
    // The state tables agree with the chain after real flows (the cross-checks of aims audit verify).
    expect((await teams.app.store.auditReport()).disagreements).toEqual([]);
  });

  it('a session with an attendee the bot cannot reach says so by name, and how to fix it', async () => {
    await addCourse();
    // Zoe is known from a mention but never opened a chat with the bot: Teams gives no way to message her.
    expect(
      text(await say(ADMIN, 'aims role grant <at>Zoe Newcomer</at> approver', { mentions: [{ id: '29:zoe', name: 'Zoe Newcomer' }] })),
    ).toContain('Zoe Newcomer is now an approver.');
    const session = await say(ADMIN, 'aims training');
    const courseId = await firstCourseId();
    const recorded = text(
      await click(
        ADMIN,
        fillCard(session, 'Record', { course: courseId, date: '2026-11-21', trainer: 'Dana', attendees: 'aad-zoe,aad-cleo' }),
      ),
    );
    expect(recorded).toContain('for 2 people.');
    expect(recorded).toContain('Could not tell Zoe Newcomer: on Teams the bot can only message people who have opened a chat with it once');
    expect(recorded).not.toContain('Attendees were told.');
    expect(recorded).not.toContain('Cleo Approver');
    expect(teams.connector.activities.filter((entry) => /conv-personal-aad-cleo\/activities$/.test(entry.path)).length).toBeGreaterThan(0);
  });
});

describe('honest delivery on Teams', () => {
  const recordSession = async (attendees: string) => {
    const session = await say(ADMIN, 'aims training');
    const courseId = await firstCourseId();
    return text(await click(ADMIN, fillCard(session, 'Record', { course: courseId, date: '2026-11-21', trainer: 'Dana', attendees })));
  };

  it('names everyone not reached, a person who never opened a chat and one whose chat Teams refuses, and gives the link to the bot', async () => {
    await addCourse();
    await say(ADMIN, 'aims role grant <at>Zoe Newcomer</at> approver', { mentions: [{ id: '29:zoe', name: 'Zoe Newcomer' }] });
    // Ben wrote to the bot once (his chat is stored), then blocked it: Teams answers 403.
    teams.connector.refused.add('conv-personal-aad-ben');
    const before = teams.connector.activities.length;
    const recorded = await recordSession('aad-zoe,aad-ben,aad-cleo');
    expect(recorded).toContain('for 3 people.');
    // Ben counted as told was the reviewer's bug: the adapter's onTurnError swallowed the 403 of a proactive send.
    expect(recorded).toContain(
      'Could not tell Zoe Newcomer and Ben Approver: on Teams the bot can only message people who have opened a chat with it once.',
    );
    expect(recorded).toContain('Ask Zoe Newcomer and Ben Approver to open a chat with the bot (in Teams: Apps, find the bot, Open');
    expect(recorded).toContain('https://teams.microsoft.com/l/chat/0/0?users=28:aims-bot');
    expect(recorded).not.toContain('Attendees were told.');
    expect(recorded).not.toContain('Cleo Approver');
    // Nothing was answered into Ben's chat by the adapter's error handler ("Sorry, something failed").
    expect(teams.connector.activities.slice(before).filter((entry) => entry.path.includes('conv-personal-aad-ben'))).toEqual([]);
    expect(await sql().all("SELECT status FROM outbox_messages WHERE kind = 'direct' ORDER BY id")).toEqual([
      { status: 'failed' },
      { status: 'failed' },
      { status: 'sent' },
    ]);
  });

  it('a person for whom the bot was installed (installationUpdate, or conversationUpdate adding the bot) gets direct messages without having written first', async () => {
    await addCourse();
    const install = (user: string, name: string, type: 'installationUpdate' | 'conversationUpdate') => ({
      type,
      ...(type === 'installationUpdate' ? { action: 'add' } : { membersAdded: [{ id: '28:aims-bot' }] }),
      id: `install-${user}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: teams.connector.serviceUrl,
      from: { id: `29:${user}`, name, aadObjectId: user },
      recipient: { id: '28:aims-bot', name: 'aims' },
      conversation: { id: `conv-personal-${user}`, conversationType: 'personal', tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' } },
    });
    expect((await teams.post(install('aad-dan', 'Dan Newcomer', 'installationUpdate'))).status).toBe(200);
    expect((await teams.post(install('aad-eve', 'Eve Newcomer', 'conversationUpdate'))).status).toBe(200);
    expect(
      await sql().all(
        "SELECT external_id AS id, display_name AS name FROM people WHERE external_id IN ('aad-dan', 'aad-eve') AND direct_reference IS NOT NULL ORDER BY external_id",
      ),
    ).toEqual([
      { id: 'aad-dan', name: 'Dan Newcomer' },
      { id: 'aad-eve', name: 'Eve Newcomer' },
    ]);
    const recorded = await recordSession('aad-dan,aad-eve');
    expect(recorded).toContain('Attendees were told.');
    for (const user of ['aad-dan', 'aad-eve'])
      expect(
        teams.connector.activities.filter(
          (entry) => entry.method === 'POST' && entry.path === `/v3/conversations/conv-personal-${user}/activities`,
        ),
      ).toHaveLength(1);
  });
});

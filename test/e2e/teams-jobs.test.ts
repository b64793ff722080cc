import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardOf, executeActions, fillCard } from '../helpers/fake-teams-connector.ts';
import { movableClock, startTeamsHarness } from '../helpers/start-test-app.ts';
import { teamsConversation } from '../helpers/teams-conversation.ts';
import { sqlOf } from '../helpers/test-sql.ts';

type Harness = Awaited<ReturnType<typeof startTeamsHarness>>;
let teams: Harness;
const { say, click } = teamsConversation(() => teams);

const ADMIN = { user: 'aad-admin', name: 'Alice Admin' };
const OLIVIA = { user: 'aad-olivia', name: 'Olivia Owner' };
const CLEO = { user: 'aad-cleo', name: 'Cleo Owner' };
const LEADERSHIP = '19%3Aleadership%40thread.tacv2';
const text = (value: unknown) => JSON.stringify(value ?? null);
const postsTo = (conversation: string) =>
  teams.connector.activities.filter((entry) => entry.method === 'POST' && entry.path === `/v3/conversations/${conversation}/activities`);

// Each test has its own bot and store: the admin's leadership channel, Olivia's and Cleo's overdue reviews.
beforeEach(async () => {
  teams = await startTeamsHarness({ AIMS_ADMINS: 'teams:aad-admin' });
  for (const who of [ADMIN, OLIVIA, CLEO]) await say(who, 'aims status');
  await say(ADMIN, 'aims setup channel leadership', {
    conversationType: 'channel',
    mentionBot: true,
    conversationId: '19:leadership@thread.tacv2',
  });
  for (const [owner, due] of [
    ['aad-olivia', '2026-11-12'],
    ['aad-cleo', '2026-11-20'],
  ] as const) {
    const form = await say(ADMIN, 'aims review add');
    await click(ADMIN, fillCard(form, 'Save', { kind: 'bias-review', owner, cadenceDays: '90', nextDue: due }));
  }
});
afterEach(async () => {
  await teams.close();
});

describe('jobs on Teams', () => {
  it('nudges reach each person in their personal chat once, snoozed items stay quiet, escalations reach the admin', async () => {
    await teams.app.runJob('nudges', new Date('2026-11-22T08:00:00Z'));
    const cleoNudge = postsTo('conv-personal-aad-cleo').at(-1);
    expect(cleoNudge?.problems).toEqual([]);
    expect(text(cleoNudge?.activity)).toContain('Review #2: Bias review');
    // Cleo snoozes a week from the nudge card.
    const form = await click(CLEO, executeActions(cardOf(cleoNudge?.activity))['Snooze 1 week…'] as never);
    expect(text(await click(CLEO, fillCard(form, 'Snooze', { reason: 'New data next week.' })))).toContain('Snoozed until 29 Nov 2026');

    const before = {
      olivia: postsTo('conv-personal-aad-olivia').length,
      cleo: postsTo('conv-personal-aad-cleo').length,
      admin: postsTo('conv-personal-aad-admin').length,
    };
    await teams.app.runJob('nudges', new Date('2026-11-26T08:00:00Z'));
    await teams.app.runJob('nudges', new Date('2026-11-26T12:00:00Z'));
    expect(postsTo('conv-personal-aad-olivia').length - before.olivia).toBe(1);
    expect(text(postsTo('conv-personal-aad-olivia').at(-1)?.activity)).toContain('14 days overdue');
    expect(postsTo('conv-personal-aad-cleo').length - before.cleo).toBe(0);
    expect(postsTo('conv-personal-aad-admin').length - before.admin).toBe(1);
    expect(text(postsTo('conv-personal-aad-admin').at(-1)?.activity)).toContain('Overdue by more than 7 days');
  });

  it('the hourly scheduler runs a workspace’s jobs only at its own hour (setup: nudges 08:00, digest Monday 09:00 here)', async () => {
    const before = postsTo('conv-personal-aad-olivia').length;
    await teams.app.runJob('nudges', new Date('2026-12-01T09:00:00Z'), true);
    expect(postsTo('conv-personal-aad-olivia').length).toBe(before);
    await teams.app.runJob('nudges', new Date('2026-12-01T08:00:00Z'), true);
    expect(postsTo('conv-personal-aad-olivia').length).toBe(before + 1);
    const digests = () => postsTo(LEADERSHIP).filter((entry) => text(entry.activity).includes('AIMS weekly digest')).length;
    await teams.app.runJob('digest', new Date('2026-12-01T09:00:00Z'), true); // a Tuesday
    expect(digests()).toBe(0);
  });

  it('the weekly digest is posted to the leadership channel once per week, as a valid card', async () => {
    await teams.app.runJob('digest', new Date('2026-11-23T09:00:00Z'));
    await teams.app.runJob('digest', new Date('2026-11-23T10:00:00Z'));
    const digests = postsTo(LEADERSHIP).filter((entry) => text(entry.activity).includes('AIMS weekly digest'));
    expect(digests).toHaveLength(1);
    expect(digests[0]?.problems).toEqual([]);
    expect(text(digests[0]?.activity)).toContain('AIMS weekly digest · 2026-W48');
    expect(await teams.app.store.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('escalation on Teams counts from the due date, whatever the snoozes', () => {
  const clock = movableClock('2026-11-22T07:00:00Z');
  let own: Harness;
  let reviewSubmit: ReturnType<typeof fillCard>;
  const chat = teamsConversation(() => own);
  const DAN = { user: 'aad-dan', name: 'Dan Owner' };
  const to = (conversation: string) =>
    own.connector.activities.filter((entry) => entry.method === 'POST' && entry.path === `/v3/conversations/${conversation}/activities`);

  // Each test has its own bot and store, the clock back at 2026-11-22 07:00.
  beforeEach(async () => {
    clock.set('2026-11-22T07:00:00Z');
    own = await startTeamsHarness({ AIMS_ADMINS: 'teams:aad-admin' }, {}, clock);
    for (const who of [ADMIN, DAN]) await chat.say(who, 'aims status');
    await chat.say(ADMIN, 'aims setup channel leadership', {
      conversationType: 'channel',
      mentionBot: true,
      conversationId: '19:leadership@thread.tacv2',
    });
    const form = await chat.say(ADMIN, 'aims review add');
    // Due 2026-10-23: 30 days overdue on 2026-11-22.
    reviewSubmit = fillCard(form, 'Save', { kind: 'bias-review', owner: 'aad-dan', cadenceDays: '90', nextDue: '2026-10-23' });
    await chat.click(ADMIN, reviewSubmit);
  });

  it('the review add card submitted again (same form, same content) creates one schedule, answered the same', async () => {
    expect(text(await chat.click(ADMIN, reviewSubmit))).toContain('Saved review #1, next due 23 Oct 2026.');
    expect(await sqlOf(own.app.store).count('review_schedules')).toBe(1);
  });
  afterEach(async () => {
    await own.close();
  });

  it('an owner who snoozes a review 30 days overdue for 1 day, every day, is quiet; the admin and leadership are still told every day', async () => {
    await own.app.runJob('nudges', new Date('2026-11-22T08:00:00Z'));
    expect(text(to('conv-personal-aad-dan').at(-1)?.activity)).toContain('30 days overdue (due 23 Oct 2026)');
    for (const day of ['2026-11-23', '2026-11-24', '2026-11-25']) {
      clock.set(`${day}T07:00:00Z`);
      const before = { dan: to('conv-personal-aad-dan').length, admin: to('conv-personal-aad-admin').length, lead: to(LEADERSHIP).length };
      const answer = text(
        await chat.click(DAN, executeActions(cardOf(to('conv-personal-aad-dan').at(-1)?.activity))['Snooze 1 day'] as never),
      );
      expect(answer).toContain(
        'A snooze quiets only your own nudge: the item still counts as overdue, and admins are told after 7 days overdue and leadership after 21, snoozed or not.',
      );
      await own.app.runJob('nudges', new Date(`${day}T08:00:00Z`));
      expect(to('conv-personal-aad-dan').length).toBe(before.dan);
      expect(to('conv-personal-aad-admin').length).toBe(before.admin + 1);
      expect(text(to('conv-personal-aad-admin').at(-1)?.activity)).toContain('Review #1: Bias review');
      expect(to(LEADERSHIP).length).toBe(before.lead + 1);
      expect(to(LEADERSHIP).at(-1)?.problems).toEqual([]);
      expect(text(to(LEADERSHIP).at(-1)?.activity)).toContain('Overdue by more than 21 days');
    }
  });
});

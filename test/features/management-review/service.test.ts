import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.ts';
import { RoleService } from '../../../src/core/role-service.ts';
import { DigestService } from '../../../src/core/digest/digest-service.ts';
import { NudgeService } from '../../../src/core/scheduling/nudge-service.ts';
import { digestSourcesOf, nudgeSourcesOf, reviewInputSourcesOf } from '../../../src/chat/feature.ts';
import { features } from '../../../src/features/index.ts';
import { managementReviewExport } from '../../../src/features/management-review/export.ts';
import { ManagementReviewService } from '../../../src/features/management-review/service.ts';
import { ReviewService } from '../../../src/features/reviews/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { refusal } from '../../helpers/refusal.ts';
import { scorerWorkspace } from '../../helpers/scorer-workspace.ts';
import { openTestStore } from '../../helpers/store-kinds.ts';
import { allRows } from '../../helpers/all-rows.ts';
import { sqlOf } from '../../helpers/test-sql.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const at = (iso: string) => fixedClock(iso);

async function world() {
  store = await openTestStore();
  const w = await scorerWorkspace(store, []);
  const roles = new RoleService(store, w.clock);
  await roles.grant(w.people.admin, w.people.member.personId, 'leadership');
  const leader = await w.meet('UMEMBER');
  const reviews = (iso: string) => new ManagementReviewService(store as GovernanceStore, at(iso), 'UTC', reviewInputSourcesOf(features));
  return { ...w, leader, reviews, store };
}

describe('ManagementReviewService', () => {
  it('refuses bad input with nothing written: a member opening, an action without owner or due in the past, a decision on a closed review, a close by another than the chair', async () => {
    const { people, leader, reviews, store } = await world();
    const mr = reviews('2026-11-22T12:00:00.000Z');
    expect((await refusal(async () => await mr.open(people.requester))).message).toBe(
      'Only leadership or an admin can open a management review.',
    );
    expect((await refusal(async () => await mr.open(people.admin, { chairPersonId: people.app1.personId }))).details.fieldErrors).toEqual({
      chairPersonId: 'The chair must hold the leadership role (an admin grants it: role grant @name leadership).',
    });
    const { review } = await mr.open(leader);
    expect(review.chairPersonId).toBe(leader.personId);
    expect(
      (await refusal(async () => await mr.addAction(leader, 1, { title: 'Retrain', dueDate: '2026-12-01' }))).details.fieldErrors,
    ).toEqual({
      ownerPersonId: 'Choose who owns the action.',
    });
    expect(
      (
        await refusal(
          async () => await mr.addAction(leader, 1, { title: 'Retrain', ownerPersonId: people.app1.personId, dueDate: '2026-11-21' }),
        )
      ).details.fieldErrors,
    ).toEqual({ dueDate: 'The due date 2026-11-21 is in the past (today is 2026-11-22).' });
    expect(await sqlOf(store).count('management_review_actions')).toBe(0);
    expect((await refusal(async () => await mr.close(people.admin, 1))).message).toBe('Only the chair of MR-1, umember, can close it.');
    await mr.addDecision(leader, 1, { text: 'Fund the drift monitor.' });
    expect((await mr.close(leader, 1)).changed).toBe(true);
    expect((await mr.close(leader, 1)).changed).toBe(false);
    const locked = await refusal(async () => await mr.addDecision(leader, 1, { text: 'One more.' }));
    expect(locked.code).toBe('conflict');
    expect(locked.message).toMatch(/^MR-1 is closed and locked \(closed 2026-11-22 by umember\)/);
    expect(
      (
        await refusal(
          async () =>
            await mr.setAttendees(people.admin, 1, { attendeePersonIds: [people.admin.personId], chairPersonId: leader.personId }),
        )
      ).code,
    ).toBe('conflict');
    expect(await sqlOf(store).count('management_review_decisions')).toBe(1);
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('an open action is nudged to its owner and in the digest when overdue; leadership is nudged once the cadence passes; the export lists every line', async () => {
    const { people, leader, reviews, store, clock } = await world();
    // A yearly management review schedule of the reviews area gives the cadence: 30 days here.
    await new ReviewService(store, clock, 'UTC').add(people.admin, {
      kind: 'management-review',
      aiSystemId: null,
      ownerPersonId: leader.personId,
      cadenceDays: 30,
      nextDue: '2026-12-01',
    });
    const mr = reviews('2026-11-22T12:00:00.000Z');
    await mr.open(leader);
    await mr.addAction(leader, 1, { title: 'Retrain quarterly', ownerPersonId: people.app1.personId, dueDate: '2026-11-30' });
    await mr.close(leader, 1);

    const nudges = (iso: string) => new NudgeService(store, at(iso), 'UTC', nudgeSourcesOf(features)).plan(people.admin.workspaceId);
    const early = await nudges('2026-11-29T08:00:00.000Z');
    const itemsOf = (plan: Awaited<ReturnType<typeof nudges>>, personId: number) =>
      plan.people.find((p) => p.person.id === personId)?.items.filter((item) => item.key.startsWith('mr:')) ?? [];
    expect(itemsOf(early, people.app1.personId).map((item) => item.text)).toEqual(['MR-1 action 1: Retrain quarterly']);
    expect(itemsOf(early, leader.personId)).toEqual([]);
    const late = await nudges('2026-12-23T08:00:00.000Z');
    expect(itemsOf(late, leader.personId).map((item) => item.text)).toEqual([
      'Management review due (every 30 days; last: MR-1, opened 2026-11-22)',
    ]);

    const digest = await new DigestService(store, at('2026-12-23T08:00:00.000Z'), 'UTC', digestSourcesOf(features)).build(
      people.admin.workspaceId,
    );
    expect(digest.topOverdue.map((item) => item.what)).toEqual(
      expect.arrayContaining(['MR-1 action 1: Retrain quarterly', 'Management review due (every 30 days; last: MR-1, opened 2026-11-22)']),
    );

    // Done, it leaves the nudges; the next review reports it done.
    await mr.actionDone(people.app1, 1, 1);
    expect(itemsOf(await nudges('2026-11-29T08:00:00.000Z'), people.app1.personId)).toEqual([]);
    const { review: next } = await reviews('2026-12-23T09:00:00.000Z').open(leader);
    expect(next.inputs.filter((item) => item.section === 'previous-actions').map((item) => item.text)).toEqual([
      'MR-1 action 1: Retrain quarterly (owner uapp1; done 2026-11-22)',
    ]);

    const rows = await store.read(
      async (repos) => await allRows(managementReviewExport.rows(repos, people.admin.workspaceId, { now: new Date() })),
    );
    expect(rows.filter((row) => row.kind === 'action')).toEqual([
      expect.objectContaining({
        review: 'MR-1',
        ref: 'MR-1 action 1',
        text: 'Retrain quarterly',
        owner: 'uapp1',
        due: '2026-11-30',
        status: 'closed',
      }),
    ]);
    expect(rows.filter((row) => row.review === 'MR-2' && row.kind === 'input').map((row) => row.section)).toContain(
      'Status of actions from previous management reviews',
    );
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { actorOf } from '../../../src/core/actor.ts';
import { ReviewService } from '../../../src/features/reviews/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS, type StoreKind } from '../../helpers/store-kinds.ts';
import { refusal } from '../../helpers/refusal.ts';
import { directoryFor, testClock } from '../../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function world(kind: StoreKind) {
  store = await openTestStore(kind);
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'UADMIN' }] });
  const meet = async (user: string, team = 'T1') =>
    actorOf(await directory.contact({ platform: 'slack', workspaceExternalId: team, userExternalId: user }));
  return {
    admin: await meet('UADMIN'),
    owner: await meet('UOWNER'),
    member: await meet('UMEMBER'),
    stranger: await meet('USTRANGER', 'T2'),
    reviews: new ReviewService(store, testClock(), 'UTC'),
  };
}

describe.each(STORE_KINDS)('ReviewService on %s', (kind) => {
  it('refuses a cadence of 0 and an owner who is not a person of the workspace, at their fields', async () => {
    const { admin, stranger, reviews } = await world(kind);
    expect(
      (
        await refusal(
          async () =>
            await reviews.add(admin, { kind: 'drift-review', ownerPersonId: stranger.personId, cadenceDays: 0, nextDue: '2026-12-01' }),
        )
      ).details.fieldErrors,
    ).toEqual({
      cadenceDays: 'The cadence must be at least 1 day.',
      ownerPersonId: 'The owner must be a person in this workspace.',
    });
  });

  it('lets its owner or an admin record it; the next due date is the day done plus the cadence', async () => {
    const { admin, owner, member, reviews } = await world(kind);
    const schedule = await reviews.add(admin, {
      kind: 'bias-review',
      ownerPersonId: owner.personId,
      cadenceDays: 30,
      nextDue: '2026-11-01',
    });
    expect((await refusal(async () => await reviews.done(member, schedule.id, { date: '2026-11-20', outcome: 'no-findings' }))).code).toBe(
      'forbidden',
    );
    expect(
      (await refusal(async () => await reviews.done(owner, schedule.id, { date: '2026-12-20', outcome: 'no-findings' }))).details
        .fieldErrors,
    ).toEqual({
      date: 'The date cannot be in the future.',
    });
    expect((await reviews.done(owner, schedule.id, { date: '2026-11-20', outcome: 'no-findings' })).schedule.nextDue).toBe('2026-12-20');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/services.ts';
import { checklistOf, type FirstRunState } from '../../../src/features/onboarding/domain.ts';
import { createLogger } from '../../../src/logger.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { openTestStore, STORE_KINDS, type StoreKind } from '../../helpers/store-kinds.ts';
import { seedReleaseWorkspace } from '../../helpers/release-workspace.ts';
import { testClock } from '../../helpers/test-store.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const fresh: FirstRunState = {
  systems: 0,
  missingChannels: ['incidents', 'approvals', 'leadership'],
  approvers: 0,
  approvalsNeeded: 2,
  incidents: 0,
  releases: 0,
  otherRecords: 0,
};

async function services(kind: StoreKind) {
  store = await openTestStore(kind);
  return createServices({
    store,
    clock: testClock(),
    directory: { seedAdmins: [{ platform: 'slack', userId: 'U0ADMIN' }], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('silent'),
  });
}

describe.each(STORE_KINDS)('the Get started checklist on %s', (kind) => {
  it('ticks each step from the state alone, and names the first one not done', () => {
    expect(checklistOf(fresh)).toMatchObject({
      done: { system: false, channels: false, approvers: false, firstRecord: false },
      next: 'system',
      empty: true,
    });
    const half = checklistOf({ ...fresh, systems: 1, missingChannels: [], approvers: 1 });
    // One approver is not enough where releases need two.
    expect(half).toMatchObject({ done: { system: true, channels: true, approvers: false }, next: 'approvers', empty: false });
    expect(checklistOf({ ...fresh, systems: 1, missingChannels: [], approvers: 2, releases: 1 }).next).toBeUndefined();
    // A course or a review alone makes a workspace not empty, though no step is done.
    expect(checklistOf({ ...fresh, otherRecords: 1 })).toMatchObject({ empty: false, next: 'system' });
  });

  it('reads the real records of one workspace, and greets each place once', async () => {
    const all = await services(kind);
    if (!store) throw new Error('no store');
    const { admin } = await seedReleaseWorkspace(store, { approvers: ['U0APP1'] });
    expect(await all.onboarding.checklist(admin.workspaceId)).toMatchObject({
      state: { systems: 1, missingChannels: [], approvers: 1, approvalsNeeded: 2, incidents: 0, releases: 0 },
      next: 'approvers',
    });
    expect(await all.onboarding.greetOnce(admin.workspaceId, 'slack-home:U0ADMIN')).toBe(true);
    expect(await all.onboarding.greetOnce(admin.workspaceId, 'slack-home:U0ADMIN')).toBe(false);
    expect(await all.onboarding.greetOnce(admin.workspaceId, 'slack-home:U0APP1')).toBe(true);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('counts who could approve without the requester: an approver asking for two approvals is short of one', async () => {
    const all = await services(kind);
    if (!store) throw new Error('no store');
    const { admin, approvers } = await seedReleaseWorkspace(store, { approvers: ['U0APP1', 'U0APP2'] });
    const [first] = approvers;
    if (!first) throw new Error('no approver');
    expect(await all.releases.approverShortfall(admin.workspaceId, 2, admin.personId)).toBeUndefined();
    expect(await all.releases.approverShortfall(admin.workspaceId, 2, first.personId)).toEqual({
      eligible: 1,
      needed: 2,
      admins: ['u0admin'],
    });
  });
});

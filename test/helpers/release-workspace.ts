import type { UnitOfWork } from '../../src/core/ports.ts';
import { actorOf, type Actor } from '../../src/core/actor.ts';
import { fixedClock, type Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import type { GovernanceStore } from '../../src/store/governance-store.ts';
import { TEST_START } from './start-test-app.ts';
import { mapInTurn } from '../../src/core/in-turn.ts';

export interface ReleaseWorkspaceOptions {
  /** The workspace's external id (the Slack team), default T0TEST. */
  workspace?: string;
  admin?: string;
  approvers?: string[];
  defaultApprovals?: number;
  /** Acceptance criteria of the system, as "metric comparison threshold dataset", e.g. ['recall >= 0.9 holdout']. */
  criteria?: string[];
  system?: string;
  clock?: Clock;
}

export interface ReleaseWorkspace {
  admin: Actor;
  approvers: Actor[];
  systemId: number;
}

/**
 * "A Slack workspace with an admin, approvers and a system", written through the real services into a
 * store (a running app's, or a file a bot will open): what `setup`, `system add`, `criteria add` and
 * `role grant` in chat would have left, without a round trip per command. Channels: C0INC
 * #ai-incidents, C0APP #ai-approvals, C0LEAD #ai-leadership.
 */
export async function seedReleaseWorkspace(store: UnitOfWork, options: ReleaseWorkspaceOptions = {}): Promise<ReleaseWorkspace> {
  const workspace = options.workspace ?? 'T0TEST';
  const adminId = options.admin ?? 'U0ADMIN';
  const services = createServices({
    store,
    clock: options.clock ?? fixedClock(TEST_START),
    directory: { seedAdmins: [{ platform: 'slack', userId: adminId }], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('silent'),
  });
  const meet = async (user: string): Promise<Actor> =>
    actorOf(
      await services.directory.contact({
        platform: 'slack',
        workspaceExternalId: workspace,
        userExternalId: user,
        displayName: user.toLowerCase(),
      }),
    );
  const admin = await meet(adminId);
  await services.settings.update(admin, {
    incidentsChannel: { id: 'C0INC', name: 'ai-incidents' },
    approvalsChannel: { id: 'C0APP', name: 'ai-approvals' },
    leadershipChannel: { id: 'C0LEAD', name: 'ai-leadership' },
    defaultApprovals: options.defaultApprovals ?? 2,
    timeZone: 'UTC',
  });
  const { system } = await services.systems.add(admin, {
    name: options.system ?? 'Fraud Scorer',
    description: 'Scores payments.',
    purpose: 'Hold fraud.',
    ownerPersonId: admin.personId,
    euRiskLevel: 'high',
    internalTier: 'tier-1',
    stage: 'production',
    provider: 'in-house',
  });
  for (const line of options.criteria ?? []) {
    const [metric, comparison, threshold, dataset] = line.split(' ');
    await services.releases.addCriterion(admin, system.id, { metric, comparison, threshold: Number(threshold), dataset });
  }
  const approvers = await mapInTurn(options.approvers ?? [], async (user) => {
    const approver = await meet(user);
    await services.roles.grant(admin, approver.personId, 'approver');
    return approver;
  });
  return { admin, approvers, systemId: system.id };
}

/** Someone of another workspace has talked to the bot (so a token for it names a real workspace). */
export async function seedOtherWorkspace(store: GovernanceStore, workspace: string, user: string): Promise<void> {
  await createServices({
    store,
    clock: fixedClock(TEST_START),
    directory: { seedAdmins: [], firstContactBecomesAdmin: false },
    defaultTimeZone: 'UTC',
    logger: createLogger('silent'),
  }).directory.contact({ platform: 'slack', workspaceExternalId: workspace, userExternalId: user, displayName: user.toLowerCase() });
}

import { actorOf, type Actor } from '../../src/core/actor.ts';
import type { Clock } from '../../src/core/clock.ts';
import { AiSystemService } from '../../src/features/ai-systems/service.ts';
import type { AiSystem } from '../../src/features/ai-systems/domain.ts';
import { ReleaseService } from '../../src/features/releases/service.ts';
import { RoleService } from '../../src/core/role-service.ts';
import type { UnitOfWork } from '../../src/core/ports.ts';
import { directoryFor, testClock } from './test-store.ts';

export interface ScorerWorkspace {
  people: Record<'admin' | 'requester' | 'app1' | 'app2' | 'member', Actor>;
  system: AiSystem;
  releases: ReleaseService;
  clock: Clock;
  /** Meets a Slack user of workspace T1 (again): an actor with the roles they have now. */
  meet(user: string): Promise<Actor>;
}

export type Criterion = Parameters<ReleaseService['addCriterion']>[2];

/**
 * Slack workspace T1 through the real services: admin UADMIN (seeded), approvers UAPP1 and UAPP2, the
 * production system "Scorer" owned by the admin with the acceptance criteria given, and UREQ and UMEMBER.
 */
export async function scorerWorkspace(store: UnitOfWork, criteria: Criterion[], clock: Clock = testClock()): Promise<ScorerWorkspace> {
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'UADMIN' }] }, clock);
  const meet = async (user: string): Promise<Actor> =>
    actorOf(
      await directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: user, displayName: user.toLowerCase() }),
    );
  const admin = await meet('UADMIN');
  const roles = new RoleService(store, clock);
  // Roles are read when a person is met, so approvers are met again after the grant (below).
  for (const user of ['UAPP1', 'UAPP2']) await roles.grant(admin, (await meet(user)).personId, 'approver');
  const { system } = await new AiSystemService(store, clock).add(admin, {
    name: 'Scorer',
    description: 'd',
    purpose: 'p',
    ownerPersonId: admin.personId,
    euRiskLevel: 'high',
    internalTier: 'tier-1',
    stage: 'production',
    provider: 'in-house',
  });
  const releases = new ReleaseService(store, clock);
  for (const criterion of criteria) await releases.addCriterion(admin, system.id, criterion);
  const people = {
    admin,
    requester: await meet('UREQ'),
    app1: await meet('UAPP1'),
    app2: await meet('UAPP2'),
    member: await meet('UMEMBER'),
  };
  return { people, system, releases, clock, meet };
}

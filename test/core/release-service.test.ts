import { afterEach, describe, expect, it } from 'vitest';
import { actorOf, type Actor } from '../../src/core/actor.ts';
import { AiSystemService } from '../../src/core/ai-systems/ai-system-service.ts';
import { ReleaseService } from '../../src/core/releases/release-service.ts';
import { RoleService } from '../../src/core/role-service.ts';
import type { SqliteStore } from '../../src/store/sqlite-store.ts';
import { refusal } from '../helpers/refusal.ts';
import { directoryFor, memoryStore, testClock } from '../helpers/test-store.ts';

let store: SqliteStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

function world() {
  store = memoryStore();
  const directory = directoryFor(store, { seedAdmins: [{ platform: 'slack', userId: 'UADMIN' }] });
  const meet = (user: string): Actor => actorOf(directory.contact({ platform: 'slack', workspaceExternalId: 'T1', userExternalId: user, displayName: user.toLowerCase() }));
  const clock = testClock();
  const admin = meet('UADMIN');
  const roles = new RoleService(store, clock);
  // Roles are read when a person is met, so approvers are met again after the grant (below).
  for (const user of ['UAPP1', 'UAPP2']) roles.grant(admin, meet(user).personId, 'approver');
  const { system } = new AiSystemService(store, clock).add(admin, { name: 'Scorer', description: 'd', purpose: 'p', ownerPersonId: admin.personId, euRiskLevel: 'high', internalTier: 'tier-1', stage: 'production', provider: 'in-house' });
  const releases = new ReleaseService(store, clock);
  releases.addCriterion(admin, system.id, { metric: 'recall', comparison: '>=', threshold: 0.9, dataset: 'holdout' });
  releases.addCriterion(admin, system.id, { metric: 'latency', comparison: '<=', threshold: 100, dataset: 'prod' });
  return { admin, requester: meet('UREQ'), app1: meet('UAPP1'), app2: meet('UAPP2'), member: meet('UMEMBER'), system, releases };
}

const request = (aiSystemId: number, recall: number, latency: number, extra: Record<string, unknown> = {}) => ({
  aiSystemId,
  version: '1.0.0',
  changeType: 'retrain',
  whatChanged: 'w',
  measurements: [
    { metric: 'Recall', dataset: 'holdout', value: recall },
    { metric: 'latency', value: latency },
    { metric: 'f1', dataset: 'holdout', value: 0.8 },
  ],
  risks: 'r',
  ...extra,
});

describe('ReleaseService', () => {
  it('judges measured values against each criterion (>= and <=), keeps extra metrics, and wants a justification for a failure', () => {
    const { requester, system, releases } = world();
    expect(refusal(() => releases.request(requester, request(system.id, 0.85, 90))).details.fieldErrors).toEqual({ justification: 'A criterion failed: explain why it should ship anyway.' });
    const { release } = releases.request(requester, request(system.id, 0.95, 120, { justification: 'Latency is fine for batch use.' }));
    const { metrics } = releases.details(requester.workspaceId, release.id);
    expect(metrics.map((m) => [m.metric, m.passed])).toEqual([
      ['recall', true],
      ['latency', false],
      ['f1', null],
    ]);
  });

  it('asks for every criterion, and never lowers the approvals needed; only admins raise them', () => {
    const { admin, requester, system, releases } = world();
    const missing = refusal(() => releases.request(requester, { ...request(system.id, 0.95, 90), measurements: [] })).details.fieldErrors ?? {};
    expect(Object.values(missing)).toEqual(['Enter the measured recall on holdout.', 'Enter the measured latency on prod.']);
    expect(refusal(() => releases.request(requester, request(system.id, 0.95, 90, { approvalsNeeded: 1 }))).details.fieldErrors).toEqual({ approvalsNeeded: 'A release needs at least 2 approvals here (the workspace default).' });
    expect(refusal(() => releases.request(requester, request(system.id, 0.95, 90, { approvalsNeeded: 3 }))).details.fieldErrors).toEqual({ approvalsNeeded: 'Only admins can ask for more approvals than the default.' });
    expect(releases.request(admin, request(system.id, 0.95, 90, { approvalsNeeded: 3 })).release.approvalsNeeded).toBe(3);
  });

  it('N distinct approvers approve; the requester and non-approvers cannot; one rejection rejects; decisions are final', () => {
    const { requester, app1, app2, member, system, releases } = world();
    const { release } = releases.request(requester, request(system.id, 0.95, 90));
    expect(refusal(() => releases.decide(requester, release.id, 'approve')).code).toBe('forbidden');
    expect(refusal(() => releases.decide(member, release.id, 'approve')).message).toBe('Only approvers can approve releases.');
    expect(releases.decide(app1, release.id, 'approve')).toMatchObject({ changed: true, decided: false });
    expect(releases.decide(app1, release.id, 'approve')).toMatchObject({ changed: false, decided: false });
    expect(releases.decide(app2, release.id, 'approve')).toMatchObject({ changed: true, decided: true, release: { status: 'approved' } });
    expect(refusal(() => releases.decide(app2, release.id, 'reject', 'late')).code).toBe('conflict');

    const second = releases.request(requester, request(system.id, 0.95, 90, { version: '1.1.0' })).release;
    expect(refusal(() => releases.decide(app1, second.id, 'reject', ' ')).details.fieldErrors).toEqual({ reason: 'Say why you reject it.' });
    expect(releases.decide(app1, second.id, 'reject', 'No.').release.status).toBe('rejected');
    // A rejected version may be asked again; an approved one not.
    expect(releases.request(requester, request(system.id, 0.95, 90, { version: '1.1.0' })).created).toBe(true);
    expect(refusal(() => releases.request(requester, request(system.id, 0.95, 90))).details.fieldErrors).toEqual({ version: 'Scorer 1.0.0 was already released.' });
  });

  it('an admin’s raise of the approvals needed is a floor the requester cannot lower by editing', () => {
    const { admin, requester, system, releases } = world();
    const { release } = releases.request(requester, request(system.id, 0.95, 90));
    releases.edit(admin, release.id, request(system.id, 0.95, 90, { approvalsNeeded: 4 }));
    expect(refusal(() => releases.edit(requester, release.id, request(system.id, 0.96, 90, { approvalsNeeded: 2 }))).details.fieldErrors).toEqual({ approvalsNeeded: 'An admin set this release to need 4 approvals; only an admin can lower it.' });
    expect(releases.edit(requester, release.id, request(system.id, 0.96, 90, { approvalsNeeded: 4 })).release.approvalsNeeded).toBe(4);
  });

  it('a decision made on an older version of the request is refused', () => {
    const { requester, app1, system, releases } = world();
    const { release } = releases.request(requester, request(system.id, 0.95, 90));
    const seen = release.contentHash;
    releases.edit(requester, release.id, request(system.id, 0.97, 90));
    expect(refusal(() => releases.decide(app1, release.id, 'approve', undefined, seen))).toMatchObject({ code: 'conflict', message: expect.stringContaining('was edited since you saw it') });
  });

  it('an edit drops the approvals given and changes the content hash; withdrawal is the requester’s alone', () => {
    const { requester, app1, system, releases } = world();
    const { release } = releases.request(requester, request(system.id, 0.95, 90));
    releases.decide(app1, release.id, 'approve');
    const edited = releases.edit(requester, release.id, request(system.id, 0.97, 90));
    expect(edited.droppedApprovers).toEqual([app1.personId]);
    expect(edited.release.contentHash).not.toBe(release.contentHash);
    expect(releases.details(requester.workspaceId, release.id).approvals).toBe(0);
    expect(refusal(() => releases.withdraw(app1, release.id)).code).toBe('forbidden');
    expect(releases.withdraw(requester, release.id).changed).toBe(true);
    expect(releases.withdraw(requester, release.id).changed).toBe(false);
  });
});

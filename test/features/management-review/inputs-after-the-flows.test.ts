import { afterEach, describe, expect, it } from 'vitest';
import { reviewInputSourcesOf } from '../../../src/chat/feature.ts';
import { RoleService } from '../../../src/core/role-service.ts';
import { features } from '../../../src/features/index.ts';
import { InternalAuditService } from '../../../src/features/internal-audits/service.ts';
import { ManagementReviewService } from '../../../src/features/management-review/service.ts';
import { ObjectiveService } from '../../../src/features/objectives/service.ts';
import { PolicyService } from '../../../src/features/policies/service.ts';
import type { GovernanceStore } from '../../../src/store/governance-store.ts';
import { scorerWorkspace } from '../../helpers/scorer-workspace.ts';
import { movableClock } from '../../helpers/start-test-app.ts';
import { openTestStore } from '../../helpers/store-kinds.ts';

let store: GovernanceStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/**
 * Issue 17's must-show: a management review opened after the policy, objective and internal audit
 * flows lists their records among its inputs (each area's `reviewInputs`, gathered when it opens), and
 * an action it leaves open is among the next review's inputs.
 */
describe('a management review opened after the flows of every issue-17 area', () => {
  it('lists the published policy, the off-target objective, the audit and its nonconformity among its inputs', async () => {
    store = await openTestStore();
    const clock = movableClock('2026-11-20T09:00:00.000Z');
    const w = await scorerWorkspace(store, [], clock);
    const { admin, app1, app2, member } = w.people;
    await new RoleService(store, clock).grant(admin, member.personId, 'leadership');
    const leader = await w.meet('UMEMBER');

    // A policy v1, approved by two approvers and published.
    const policies = new PolicyService(store, clock);
    const { version } = await policies.addVersion(admin, {
      name: 'AI policy',
      title: 'AI policy',
      effectiveDate: '2026-11-20',
      link: 'https://intranet.example/ai-policy',
      changes: 'First version.',
      audience: ['everyone'],
    });
    await policies.approve(app1, version.id);
    await policies.approve(app2, version.id);
    await policies.publish(admin, 'AI policy');

    // An objective with a reading off target, through the API's path.
    const objectives = new ObjectiveService(store, clock, 'UTC');
    const { objective } = await objectives.add(admin, {
      name: 'Fraud recall',
      metric: 'fraud recall on holdout',
      direction: 'at-least',
      target: 0.92,
      cadence: 'weekly',
      source: 'recorded',
      ownerPersonId: member.personId,
    });
    await objectives.record(null, admin.workspaceId, objective.number, { value: 0.88 }, { channel: 'api' });

    // An internal audit with a minor nonconformity and its corrective action.
    const audits = new InternalAuditService(store, clock);
    const { audit } = await audits.plan(admin, {
      title: 'Q4 audit',
      clauses: ['9.2'],
      controls: [],
      systemIds: [],
      areas: [],
      plannedStart: '2026-11-20',
      plannedEnd: '2026-11-27',
      leadAuditorPersonId: app1.personId,
      auditorPersonIds: [],
    });
    const { finding } = await audits.logFinding(app1, audit.number, {
      kind: 'minor-nc',
      clause: '9.2',
      description: 'Criteria kept informally.',
    });
    const { nc } = await audits.logNonconformity(
      app1,
      { source: 'audit', ref: `AUD-${audit.number}`, finding: String(finding.id) },
      { clause: '9.2', grade: 'minor', description: 'Criteria kept informally.', ownerPersonId: member.personId },
    );

    clock.set('2026-11-25T09:00:00.000Z');
    const reviews = new ManagementReviewService(store, clock, 'UTC', reviewInputSourcesOf(features));
    const { review } = await reviews.open(leader);
    const refs = (section: string) => review.inputs.filter((item) => item.section === section).map((item) => item.ref);
    expect(refs('context-changes')).toContain('POL-1');
    expect(refs('monitoring')).toContain(`OBJ-${objective.number}`);
    expect(refs('audit-results')).toContain(`AUD-${audit.number}`);
    expect(refs('nonconformities')).toContain(`NC-${nc.number}`);

    // A decision and an action; closed by the chair; the open action is among the next review's inputs.
    await reviews.addDecision(leader, review.number, { text: 'Make the audit criteria a policy.' });
    await reviews.addAction(leader, review.number, {
      title: 'Write the audit criteria',
      ownerPersonId: app2.personId,
      dueDate: '2026-12-15',
    });
    expect((await reviews.close(leader, review.number)).changed).toBe(true);
    clock.set('2026-12-01T09:00:00.000Z');
    const { review: next } = await reviews.open(leader);
    expect(
      next.inputs
        .filter((item) => item.section === 'previous-actions')
        .map((item) => item.text)
        .join('\n'),
    ).toContain('Write the audit criteria');
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });
});

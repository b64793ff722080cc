import { personLabel } from '../core/identity.ts';
import { releaseKey } from '../features/releases/domain.ts';
import type { ReleaseDetails } from '../features/releases/service.ts';

/** A release as the pipeline API answers it: enough to gate a deployment and to show why. */
export function releaseJson(details: ReleaseDetails) {
  const { release, system, metrics, decisions, people, approvals } = details;
  const person = (id: number) => {
    const found = people.get(id);
    return { id: found?.externalId ?? null, name: found ? personLabel(found) : null };
  };
  return {
    id: release.id,
    key: releaseKey(release),
    status: release.status,
    aiSystem: { id: system.id, name: system.name },
    version: release.version,
    changeType: release.changeType,
    requester: person(release.requesterPersonId),
    approvals: {
      given: approvals,
      needed: release.approvalsNeeded,
      by: decisions
        .filter((d) => d.active && d.decision === 'approve')
        .map((d) => ({ ...person(d.personId), at: d.at, comment: d.comment, contentHash: d.contentHash })),
    },
    rejections: decisions
      .filter((d) => d.active && d.decision === 'reject')
      .map((d) => ({ ...person(d.personId), at: d.at, reason: d.comment })),
    criteria: metrics.map((m) => ({
      metric: m.metric,
      dataset: m.dataset,
      comparison: m.comparison,
      threshold: m.threshold,
      measured: m.measured,
      passed: m.passed,
    })),
    allCriteriaPassed: metrics.every((m) => m.passed !== false),
    justification: release.justification,
    contentHash: release.contentHash,
    createdAt: release.createdAt,
    decidedAt: release.decidedAt,
  };
}

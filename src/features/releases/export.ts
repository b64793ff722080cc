import { groupBy, idsOf, keysetRows, personLabels } from '../../core/export/export-lookups.ts';
import type { ExportSource } from '../../core/export/export-source.ts';
import { releaseKey } from './domain.ts';

/** The release register for auditors: one row per release, with its system's criteria, its measurements and decisions. */
export const releaseExport: ExportSource = {
  name: 'release',
  title: 'Releases and sign-offs',
  columns: [
    { key: 'release', header: 'Release', width: 9 },
    { key: 'system', header: 'AI system', width: 20 },
    { key: 'version', header: 'Version', width: 12 },
    { key: 'changeType', header: 'Change', width: 12 },
    { key: 'whatChanged', header: 'What changed', width: 36 },
    { key: 'requester', header: 'Requested by', width: 18 },
    { key: 'status', header: 'Status', width: 10 },
    { key: 'criteria', header: 'Acceptance criteria', width: 36 },
    { key: 'measurements', header: 'Measurements', width: 48 },
    { key: 'decisions', header: 'Decisions', width: 48 },
    { key: 'approvalsNeeded', header: 'Approvals needed', width: 9 },
    { key: 'requestedAt', header: 'Requested', width: 22 },
    { key: 'decidedAt', header: 'Decided', width: 22 },
  ],
  // A page of releases by id, then its systems, their criteria, the metrics, decisions and people: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.releases.pageById(workspaceId, after, limit),
      (release) => release.id,
      async (releases) => {
        const systemIds = idsOf(releases.map((r) => r.aiSystemId));
        const releaseIds = releases.map((r) => r.id);
        const systems = new Map((await repos.aiSystems.findByIds(workspaceId, systemIds)).map((s) => [s.id, s.name]));
        const criteria = groupBy(await repos.releases.criteriaOf(workspaceId, systemIds), (c) => c.aiSystemId);
        const metrics = groupBy(await repos.releases.metricsOf(releaseIds), (m) => m.releaseId);
        const decisions = groupBy(await repos.releases.decisionsOf(releaseIds), (d) => d.releaseId);
        const people = await personLabels(repos, workspaceId, [
          ...releases.map((r) => r.requesterPersonId),
          ...[...decisions.values()].flat().map((d) => d.personId),
        ]);
        return releases.map((release) => ({
          release: releaseKey(release),
          system: systems.get(release.aiSystemId) ?? `#${release.aiSystemId}`,
          version: release.version,
          changeType: release.changeType,
          whatChanged: release.whatChanged,
          requester: people.get(release.requesterPersonId) ?? null,
          status: release.status,
          criteria: (criteria.get(release.aiSystemId) ?? [])
            .map((c) => `${c.metric} ${c.comparison} ${c.threshold} on ${c.dataset}`)
            .join('\n'),
          measurements: (metrics.get(release.id) ?? [])
            .map(
              (m) =>
                `${m.metric}${m.dataset ? ` on ${m.dataset}` : ''}: ${m.measured}${m.comparison ? ` (${m.comparison} ${m.threshold}: ${m.passed ? 'passed' : 'failed'})` : ''}`,
            )
            .join('\n'),
          decisions: (decisions.get(release.id) ?? [])
            .map(
              (d) =>
                `${d.at} ${d.decision} by ${people.get(d.personId) ?? `#${d.personId}`}${d.comment ? `: ${d.comment}` : ''}${d.active ? '' : ' (dropped)'}`,
            )
            .join('\n'),
          approvalsNeeded: release.approvalsNeeded,
          requestedAt: release.createdAt,
          decidedAt: release.decidedAt,
        }));
      },
    ),
};

import { allPages, personLabels } from '../../core/export/export-lookups.ts';
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
  exportRows: async (repos, workspaceId) => {
    const releases = await allPages(async (page) => await repos.releases.list(workspaceId, {}, page));
    const systems = new Map<number, { name: string; criteria: string }>();
    const rows = [];
    for (const release of releases.sort((a, b) => a.id - b.id)) {
      if (!systems.has(release.aiSystemId)) {
        const system = await repos.aiSystems.findById(workspaceId, release.aiSystemId);
        const criteria = await repos.releases.criteria(workspaceId, release.aiSystemId);
        systems.set(release.aiSystemId, {
          name: system?.name ?? `#${release.aiSystemId}`,
          criteria: criteria.map((c) => `${c.metric} ${c.comparison} ${c.threshold} on ${c.dataset}`).join('\n'),
        });
      }
      const metrics = await repos.releases.metrics(release.id);
      const decisions = await repos.releases.decisions(release.id, false);
      const people = await personLabels(repos, workspaceId, [release.requesterPersonId, ...decisions.map((d) => d.personId)]);
      rows.push({
        release: releaseKey(release),
        system: systems.get(release.aiSystemId)?.name ?? null,
        version: release.version,
        changeType: release.changeType,
        whatChanged: release.whatChanged,
        requester: people.get(release.requesterPersonId) ?? null,
        status: release.status,
        criteria: systems.get(release.aiSystemId)?.criteria ?? '',
        measurements: metrics
          .map(
            (m) =>
              `${m.metric}${m.dataset ? ` on ${m.dataset}` : ''}: ${m.measured}${m.comparison ? ` (${m.comparison} ${m.threshold}: ${m.passed ? 'passed' : 'failed'})` : ''}`,
          )
          .join('\n'),
        decisions: decisions
          .map(
            (d) =>
              `${d.at} ${d.decision} by ${people.get(d.personId) ?? `#${d.personId}`}${d.comment ? `: ${d.comment}` : ''}${d.active ? '' : ' (dropped)'}`,
          )
          .join('\n'),
        approvalsNeeded: release.approvalsNeeded,
        requestedAt: release.createdAt,
        decidedAt: release.decidedAt,
      });
    }
    return rows;
  },
};

import { groupBy, idsOf, keysetRows, personLabels } from '../../core/export/export-lookups.ts';
import type { ExportRow, ExportSource } from '../../core/export/export-source.ts';

/** Reviews for auditors (9.1, 9.2): one row per review done, and one per schedule never done yet. */
export const reviewExport: ExportSource = {
  name: 'review',
  title: 'Reviews',
  columns: [
    { key: 'schedule', header: 'Schedule', width: 9 },
    { key: 'kind', header: 'Kind', width: 18 },
    { key: 'system', header: 'AI system', width: 20 },
    { key: 'owner', header: 'Owner', width: 18 },
    { key: 'cadenceDays', header: 'Every (days)', width: 9 },
    { key: 'nextDue', header: 'Next due', width: 12 },
    { key: 'date', header: 'Done on', width: 12 },
    { key: 'outcome', header: 'Outcome', width: 14 },
    { key: 'findings', header: 'Findings', width: 48 },
    { key: 'evidence', header: 'Evidence', width: 36 },
    { key: 'recordedBy', header: 'Recorded by', width: 18 },
  ],
  // A page of schedules by id, then their systems, completions and people: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.reviews.pageById(workspaceId, after, limit),
      (schedule) => schedule.id,
      async (schedules) => {
        const systems = new Map(
          (await repos.aiSystems.findByIds(workspaceId, idsOf(schedules.map((s) => s.aiSystemId)))).map((s) => [s.id, s.name]),
        );
        const completions = await repos.reviews.completionsOf(schedules.map((s) => s.id));
        const people = await personLabels(repos, workspaceId, [
          ...schedules.map((s) => s.ownerPersonId),
          ...completions.map((d) => d.recordedBy),
        ]);
        const doneOf = groupBy(completions, (d) => d.scheduleId);
        const rows: ExportRow[] = [];
        for (const schedule of schedules) {
          const done = doneOf.get(schedule.id) ?? [];
          const base = {
            schedule: schedule.id,
            kind: schedule.kind,
            system: schedule.aiSystemId === null ? 'organisation-wide' : (systems.get(schedule.aiSystemId) ?? `#${schedule.aiSystemId}`),
            owner: people.get(schedule.ownerPersonId) ?? `#${schedule.ownerPersonId}`,
            cadenceDays: schedule.cadenceDays,
            nextDue: schedule.nextDue,
          };
          if (done.length === 0)
            rows.push({ ...base, date: null, outcome: 'not done yet', findings: null, evidence: null, recordedBy: null });
          for (const d of done)
            rows.push({
              ...base,
              date: d.date,
              outcome: d.outcome,
              findings: d.findings,
              evidence: d.evidence,
              recordedBy: people.get(d.recordedBy) ?? `#${d.recordedBy}`,
            });
        }
        return rows;
      },
    ),
};

import { groupBy, idsOf, keysetRows } from '../../core/export/export-lookups.ts';
import type { ExportRow, ExportSource } from '../../core/export/export-source.ts';
import { personLabel } from '../../core/identity.ts';
import { CADENCE_LABELS, DIRECTION_LABELS, SOURCE_LABELS, objectiveKey } from './domain.ts';

/** The objectives and their readings for auditors and spreadsheets: one row per reading (an objective without any, one row). */
export const objectiveExport: ExportSource = {
  name: 'objective',
  title: 'AI objectives and readings',
  columns: [
    { key: 'objective', header: 'Objective', width: 8 },
    { key: 'name', header: 'Name', width: 28 },
    { key: 'metric', header: 'Metric', width: 32 },
    { key: 'direction', header: 'Direction', width: 10 },
    { key: 'target', header: 'Target', width: 10 },
    { key: 'cadence', header: 'Cadence', width: 10 },
    { key: 'source', header: 'Readings from', width: 30 },
    { key: 'owner', header: 'Owner', width: 20 },
    { key: 'aiSystem', header: 'AI system', width: 20 },
    { key: 'date', header: 'Reading date', width: 12 },
    { key: 'period', header: 'Period', width: 10 },
    { key: 'value', header: 'Value', width: 10 },
    { key: 'onTarget', header: 'On target', width: 8 },
    { key: 'channel', header: 'Recorded by', width: 8 },
    { key: 'explanation', header: 'Explanation', width: 40 },
    { key: 'recordedAt', header: 'Recorded at', width: 22 },
  ],
  // A page of objectives by number, then their readings, owners and systems: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.objectives.pageByNumber(workspaceId, after, limit),
      (objective) => objective.number,
      async (objectives) => {
        const readings = groupBy(
          await repos.objectives.readingsOf(
            workspaceId,
            objectives.map((o) => o.id),
          ),
          (r) => r.objectiveId,
        );
        const owners = new Map(
          (await repos.people.findByIds(workspaceId, idsOf(objectives.map((o) => o.ownerPersonId)))).map((p) => [p.id, p]),
        );
        const systems = new Map(
          (await repos.aiSystems.findByIds(workspaceId, idsOf(objectives.map((o) => o.aiSystemId)))).map((s) => [s.id, s.name]),
        );
        return objectives.flatMap((objective): ExportRow[] => {
          const owner = owners.get(objective.ownerPersonId);
          const base = {
            objective: objectiveKey(objective),
            name: objective.name,
            metric: objective.metric,
            direction: DIRECTION_LABELS[objective.direction],
            target: objective.target,
            cadence: CADENCE_LABELS[objective.cadence],
            source: SOURCE_LABELS[objective.source],
            owner: owner ? personLabel(owner) : null,
            aiSystem: objective.aiSystemId === null ? null : (systems.get(objective.aiSystemId) ?? `#${objective.aiSystemId}`),
          };
          const own = readings.get(objective.id) ?? [];
          if (own.length === 0)
            return [{ ...base, date: null, period: null, value: null, onTarget: null, channel: null, explanation: null, recordedAt: null }];
          return own.map((r) => ({
            ...base,
            date: r.date,
            period: r.period,
            value: r.value,
            onTarget: r.onTarget,
            channel: r.channel,
            explanation: r.explanation,
            recordedAt: r.recordedAt,
          }));
        });
      },
    ),
};

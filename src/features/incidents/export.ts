import { groupBy, keysetRows, personLabels } from '../../core/export/export-lookups.ts';
import type { ExportSource } from '../../core/export/export-source.ts';
import { incidentKey } from './domain.ts';

/** The incident register for auditors: one row per incident, with its timeline and corrective actions. */
export const incidentExport: ExportSource = {
  name: 'incident',
  title: 'AI incidents',
  columns: [
    { key: 'incident', header: 'Incident', width: 9 },
    { key: 'title', header: 'Title', width: 36 },
    { key: 'system', header: 'AI system', width: 20 },
    { key: 'severity', header: 'Severity', width: 8 },
    { key: 'type', header: 'Type', width: 14 },
    { key: 'status', header: 'Status', width: 12 },
    { key: 'detectedAt', header: 'Detected', width: 22 },
    { key: 'reporter', header: 'Reported by', width: 18 },
    { key: 'owner', header: 'Owner', width: 18 },
    { key: 'rootCause', header: 'Root cause', width: 36 },
    { key: 'timeline', header: 'Timeline', width: 60 },
    { key: 'correctiveActions', header: 'Corrective actions', width: 60 },
    { key: 'openedAt', header: 'Opened', width: 22 },
    { key: 'closedAt', header: 'Closed', width: 22 },
  ],
  // A page of incidents by number, then its events, its actions and every person they name: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.incidents.pageByNumber(workspaceId, after, limit),
      (incident) => incident.number,
      async (incidents) => {
        const ids = incidents.map((incident) => incident.id);
        const events = await repos.incidents.eventsOf(ids);
        const actions = await repos.actions.ofIncidents(workspaceId, ids);
        const people = await personLabels(repos, workspaceId, [
          ...incidents.flatMap((incident) => [incident.reporterPersonId, incident.ownerPersonId]),
          ...events.map((e) => e.actorPersonId),
          ...actions.map((a) => a.ownerPersonId),
        ]);
        const eventsOf = groupBy(events, (e) => e.incidentId);
        const actionsOf = groupBy(actions, (a) => a.incidentId);
        return incidents.map((incident) => ({
          incident: incidentKey(incident),
          title: incident.title,
          system: incident.systemName,
          severity: incident.severity,
          type: incident.type,
          status: incident.status,
          detectedAt: incident.detectedAt,
          reporter: people.get(incident.reporterPersonId) ?? null,
          owner: incident.ownerPersonId === null ? null : (people.get(incident.ownerPersonId) ?? null),
          rootCause: incident.rootCause,
          timeline: (eventsOf.get(incident.id) ?? [])
            .map(
              (e) =>
                `${e.at} ${e.kind}${e.actorPersonId !== null ? ` by ${people.get(e.actorPersonId) ?? `#${e.actorPersonId}`}` : ''}${e.text ? `: ${e.text}` : ''}`,
            )
            .join('\n'),
          correctiveActions: (actionsOf.get(incident.id) ?? [])
            .map(
              (a) =>
                `${a.title} (${people.get(a.ownerPersonId) ?? `#${a.ownerPersonId}`}, due ${a.dueDate}, ${a.status}${a.doneAt ? ` ${a.doneAt}` : ''})`,
            )
            .join('\n'),
          openedAt: incident.createdAt,
          closedAt: incident.closedAt,
        }));
      },
    ),
};

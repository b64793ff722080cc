import { groupBy, keysetRows } from '../../core/export/export-lookups.ts';
import type { ExportRow, ExportSource } from '../../core/export/export-source.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import type { Repositories } from '../../core/ports.ts';
import { AimsError } from '../../core/errors.ts';
import { AUDIT_AREA_LABELS, auditKey, FINDING_KINDS, FINDING_LABELS, findingKey, ncKey, STAGE_LABELS, stageOf } from './domain.ts';
import { auditDetailsIn } from './service.ts';

const label = (people: Map<number, Person>, id: number | null) => {
  const person = id === null ? undefined : people.get(id);
  return person ? personLabel(person) : null;
};

async function peopleIn(repos: Repositories, workspaceId: number, ids: number[]): Promise<Map<number, Person>> {
  return new Map((await repos.people.findByIds(workspaceId, [...new Set(ids)])).map((p) => [p.id, p]));
}

/** The audit programme for auditors and spreadsheets (`aims internal-audits export`): one row per audit. */
export const internalAuditExport: ExportSource = {
  name: 'internal-audits',
  title: 'Internal audit programme',
  columns: [
    { key: 'audit', header: 'Audit', width: 8 },
    { key: 'title', header: 'Title', width: 40 },
    { key: 'status', header: 'Status', width: 12 },
    { key: 'plannedStart', header: 'Planned start', width: 12 },
    { key: 'plannedEnd', header: 'Planned end', width: 12 },
    { key: 'lead', header: 'Lead auditor', width: 20 },
    { key: 'auditors', header: 'Auditors', width: 30 },
    { key: 'clauses', header: 'Clauses', width: 20 },
    { key: 'controls', header: 'Annex A controls', width: 20 },
    { key: 'areas', header: 'Areas', width: 30 },
    ...FINDING_KINDS.map((kind) => ({ key: kind, header: `${FINDING_LABELS[kind]}s`, width: 10 })),
    { key: 'nonconformities', header: 'Nonconformities', width: 10 },
    { key: 'openNonconformities', header: 'Open nonconformities', width: 10 },
    { key: 'completedAt', header: 'Completed', width: 22 },
  ],
  // A page of audits by number, then their findings, nonconformities and people: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.internalAudits.pageByNumber(workspaceId, after, limit),
      (audit) => audit.number,
      async (audits) => {
        const ids = audits.map((a) => a.id);
        const findings = groupBy(await repos.internalAudits.findingsOf(workspaceId, ids), (f) => f.auditId);
        const ncs = groupBy(await repos.nonconformities.ofAudits(workspaceId, ids), (nc) => nc.auditId);
        const people = await peopleIn(
          repos,
          workspaceId,
          audits.flatMap((a) => [a.leadAuditorPersonId, ...a.auditorPersonIds]),
        );
        return audits.map((audit): ExportRow => {
          const mine = findings.get(audit.id) ?? [];
          const raised = ncs.get(audit.id) ?? [];
          return {
            audit: auditKey(audit),
            title: audit.title,
            status: audit.status,
            plannedStart: audit.plannedStart,
            plannedEnd: audit.plannedEnd,
            lead: label(people, audit.leadAuditorPersonId),
            auditors: audit.auditorPersonIds.map((id) => label(people, id) ?? `#${id}`).join(', '),
            clauses: audit.clauses.join(' '),
            controls: audit.controls.join(' '),
            areas: audit.areas.map((a) => AUDIT_AREA_LABELS[a]).join(', '),
            ...Object.fromEntries(FINDING_KINDS.map((kind) => [kind, mine.filter((f) => f.kind === kind).length])),
            nonconformities: raised.length,
            openNonconformities: raised.filter((nc) => nc.status !== 'closed').length,
            completedAt: audit.completedAt,
          };
        });
      },
    ),
};

/** `aims audit report AUD-n`: one audit's findings, each with the nonconformity it raised and its correction. */
export function auditReportExport(number: number): ExportSource {
  return {
    name: `audit-report-AUD-${number}`,
    title: `Internal audit report AUD-${number}`,
    columns: [
      { key: 'audit', header: 'Audit', width: 8 },
      { key: 'auditTitle', header: 'Audit title', width: 30 },
      { key: 'finding', header: 'Finding', width: 8 },
      { key: 'kind', header: 'Kind', width: 24 },
      { key: 'clause', header: 'Clause or control', width: 12 },
      { key: 'description', header: 'Description', width: 48 },
      { key: 'record', header: 'Record', width: 10 },
      { key: 'loggedBy', header: 'Logged by', width: 20 },
      { key: 'loggedAt', header: 'Logged', width: 22 },
      { key: 'nonconformity', header: 'Nonconformity', width: 10 },
      { key: 'ncStatus', header: 'Nonconformity status', width: 24 },
      { key: 'action', header: 'Corrective action', width: 36 },
      { key: 'rootCause', header: 'Root cause', width: 36 },
      { key: 'actionOwner', header: 'Action owner', width: 20 },
      { key: 'due', header: 'Due', width: 12 },
      { key: 'check', header: 'Effectiveness check', width: 12 },
      { key: 'checkedBy', header: 'Checked by', width: 20 },
      { key: 'closedAt', header: 'Closed', width: 22 },
    ],
    // One audit's findings (tens): read with the audit's details, then streamed.
    async *rows(repos, workspaceId) {
      const audit = await repos.internalAudits.findByNumber(workspaceId, number);
      if (!audit) throw new AimsError('not_found', `There is no AUD-${number} in this workspace.`);
      const { findings, nonconformities, actions, people } = await auditDetailsIn(repos, workspaceId, audit);
      for (const finding of findings) {
        const nc = nonconformities.find((n) => n.findingId === finding.id);
        const action = nc?.correctiveActionId ? actions.get(nc.correctiveActionId) : undefined;
        yield {
          audit: auditKey(audit),
          auditTitle: audit.title,
          finding: findingKey(finding),
          kind: FINDING_LABELS[finding.kind],
          clause: finding.clause,
          description: finding.description,
          record: finding.recordRef,
          loggedBy: label(people, finding.createdByPersonId),
          loggedAt: finding.createdAt,
          nonconformity: nc ? ncKey(nc) : null,
          ncStatus: nc ? STAGE_LABELS[stageOf(nc, action)] : null,
          action: action ? `#${action.id} ${action.title}` : null,
          rootCause: action?.rootCause ?? null,
          actionOwner: action ? label(people, action.ownerPersonId) : null,
          due: action?.dueDate ?? null,
          check: action?.checkResult ?? null,
          checkedBy: action ? label(people, action.checkedByPersonId) : null,
          closedAt: nc?.closedAt ?? null,
        };
      }
    },
  };
}

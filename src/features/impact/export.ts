import { idsOf, keysetRows } from '../../core/export/export-lookups.ts';
import type { ExportSource } from '../../core/export/export-source.ts';
import { personLabel } from '../../core/identity.ts';
import { impactKey } from './domain.ts';
import { IMPACT_EXPORT_COLUMNS, type ImpactExportRow } from './service.ts';

const HEADERS: Record<(typeof IMPACT_EXPORT_COLUMNS)[number], string> = {
  id: 'Assessment',
  system: 'AI system',
  version: 'Version',
  status: 'Status',
  author: 'Author',
  signed_by: 'Signed by',
  signed_at: 'Signed at',
  superseded_by: 'Superseded by',
  intended_use: 'Intended use',
  foreseeable_misuse: 'Foreseeable misuse',
  affected: 'Individuals and groups affected',
  societal_impact: 'Societal impact',
  harms: 'Harms (severity/likelihood)',
  max_severity: 'Highest severity',
  max_likelihood: 'Highest likelihood',
  mitigations: 'Mitigations',
  risk_refs: 'Risks',
  human_oversight: 'Human oversight',
  created_at: 'Made at',
};

/** Impact assessments for auditors and spreadsheets (README, "Exports"): one row per assessment, every version. */
export const impactExport: ExportSource = {
  name: 'impact',
  title: 'AI system impact assessments',
  columns: IMPACT_EXPORT_COLUMNS.map((key) => ({ key, header: HEADERS[key], width: key.length > 12 ? 36 : 14 })),
  // A page of assessments by id (every version), then their people and systems: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.impact.pageById(workspaceId, after, limit),
      (a) => a.id,
      async (assessments) => {
        const people = new Map(
          (await repos.people.findByIds(workspaceId, idsOf(assessments.flatMap((a) => [a.authorPersonId, a.signedByPersonId])))).map(
            (p) => [p.id, personLabel(p)],
          ),
        );
        const nameOf = (personId: number | null) => (personId === null ? '' : (people.get(personId) ?? `#${personId}`));
        const systems = new Map(
          (await repos.aiSystems.findByIds(workspaceId, idsOf(assessments.map((a) => a.aiSystemId)))).map((s) => [s.id, s.name]),
        );
        return assessments.map((a): ImpactExportRow => ({
          id: impactKey(a),
          system: systems.get(a.aiSystemId) ?? '',
          version: a.version,
          status: a.status,
          author: nameOf(a.authorPersonId),
          signed_by: nameOf(a.signedByPersonId),
          signed_at: a.signedAt ?? '',
          superseded_by: a.supersededById ? `IA-${a.supersededById}` : '',
          intended_use: a.intendedUse,
          foreseeable_misuse: a.foreseeableMisuse,
          affected: a.affected,
          societal_impact: a.societalImpact,
          harms: a.harms.map((h) => `${h.description} (S${h.severity}/L${h.likelihood})`).join('; '),
          max_severity: Math.max(...a.harms.map((h) => h.severity)),
          max_likelihood: Math.max(...a.harms.map((h) => h.likelihood)),
          mitigations: a.mitigations.map((m) => m.text).join('; '),
          risk_refs: [...new Set(a.mitigations.flatMap((m) => m.riskRefs))].join(', '),
          human_oversight: a.humanOversight,
          created_at: a.createdAt,
        }));
      },
    ),
};

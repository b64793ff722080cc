import type { ExportSource } from '../../core/export/export-source.ts';
import { IMPACT_EXPORT_COLUMNS, impactExportRows } from './service.ts';

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
  exportRows: async (repos, workspaceId) => await impactExportRows(repos, workspaceId),
};

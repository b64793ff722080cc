import { idsOf, keysetRows } from '../../core/export/export-lookups.ts';
import type { ExportSource } from '../../core/export/export-source.ts';
import { personLabel } from '../../core/identity.ts';
import { CATEGORY_LABELS, LEVEL_LABELS, PHASE_LABELS, riskKey, TREATMENT_LABELS } from './domain.ts';

/** The risk register for auditors and spreadsheets (README, "Exports"): one row per risk, open and closed. */
export const riskExport: ExportSource = {
  name: 'risk',
  title: 'AI risk register',
  columns: [
    { key: 'risk', header: 'Risk', width: 8 },
    { key: 'title', header: 'Title', width: 40 },
    { key: 'systems', header: 'AI systems', width: 28 },
    { key: 'category', header: 'Category', width: 16 },
    { key: 'phase', header: 'Lifecycle phase', width: 14 },
    { key: 'owner', header: 'Owner', width: 20 },
    { key: 'inherentLikelihood', header: 'Inherent likelihood', width: 10 },
    { key: 'inherentImpact', header: 'Inherent impact', width: 10 },
    { key: 'inherentLevel', header: 'Inherent level', width: 10 },
    { key: 'treatment', header: 'Treatment', width: 10 },
    { key: 'plan', header: 'Plan', width: 48 },
    { key: 'controls', header: 'Annex A controls', width: 24 },
    { key: 'residualLikelihood', header: 'Residual likelihood', width: 10 },
    { key: 'residualImpact', header: 'Residual impact', width: 10 },
    { key: 'residualLevel', header: 'Residual level', width: 10 },
    { key: 'acceptance', header: 'Acceptance', width: 12 },
    { key: 'openActions', header: 'Open actions', width: 8 },
    { key: 'nextReview', header: 'Next review', width: 12 },
    { key: 'status', header: 'Status', width: 8 },
    { key: 'updatedAt', header: 'Last changed', width: 22 },
  ],
  // A page of risks by number, then their owners, systems and open action counts: one read each.
  rows: (repos, workspaceId, at) =>
    keysetRows(
      at,
      async (after: number | undefined, limit) => await repos.risks.pageByNumber(workspaceId, after, limit),
      (risk) => risk.number,
      async (risks) => {
        const owners = new Map((await repos.people.findByIds(workspaceId, idsOf(risks.map((r) => r.ownerPersonId)))).map((p) => [p.id, p]));
        const systems = new Map(
          (await repos.aiSystems.findByIds(workspaceId, idsOf(risks.flatMap((r) => r.systemIds)))).map((s) => [s.id, s.name]),
        );
        const openActions = await repos.risks.openActionCounts(
          workspaceId,
          risks.map((r) => r.id),
        );
        return risks.map((risk) => ({
          risk: riskKey(risk),
          title: risk.title,
          systems: risk.systemIds.length === 0 ? 'organisation-wide' : risk.systemIds.map((id) => systems.get(id) ?? `#${id}`).join(', '),
          category: CATEGORY_LABELS[risk.category],
          phase: PHASE_LABELS[risk.phase],
          owner: ((owner) => (owner ? personLabel(owner) : null))(owners.get(risk.ownerPersonId)),
          inherentLikelihood: risk.inherentLikelihood,
          inherentImpact: risk.inherentImpact,
          inherentLevel: LEVEL_LABELS[risk.inherentLevel],
          treatment: TREATMENT_LABELS[risk.treatment],
          plan: risk.plan,
          controls: risk.controls.join(' '),
          residualLikelihood: risk.residualLikelihood,
          residualImpact: risk.residualImpact,
          residualLevel: LEVEL_LABELS[risk.residualLevel],
          acceptance: risk.acceptance,
          openActions: openActions.get(risk.id) ?? 0,
          nextReview: risk.nextReviewDate,
          status: risk.status,
          updatedAt: risk.updatedAt,
        }));
      },
    ),
};

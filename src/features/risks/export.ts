import type { ExportSource } from '../../core/export/export-source.ts';
import { personLabel } from '../../core/identity.ts';
import { mapInTurn } from '../../core/in-turn.ts';
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
  exportRows: async (repos, workspaceId) => {
    const risks = await repos.risks.all(workspaceId);
    const owners = new Map(
      (await repos.people.findByIds(workspaceId, [...new Set(risks.map((r) => r.ownerPersonId))])).map((p) => [p.id, p]),
    );
    const systemIds = [...new Set(risks.flatMap((r) => r.systemIds))];
    const systems = new Map(
      (await mapInTurn(systemIds, async (id) => await repos.aiSystems.findById(workspaceId, id))).flatMap((s) =>
        s ? [[s.id, s.name]] : [],
      ),
    );
    const openActions = await repos.risks.actions(workspaceId, { status: 'open' });
    return risks
      .sort((a, b) => a.number - b.number)
      .map((risk) => ({
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
        openActions: openActions.filter((a) => a.riskId === risk.id).length,
        nextReview: risk.nextReviewDate,
        status: risk.status,
        updatedAt: risk.updatedAt,
      }));
  },
};

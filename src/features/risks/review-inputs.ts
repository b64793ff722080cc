import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { ReviewInputItem, ReviewInputPeriod, ReviewInputSource } from '../../core/management-review/review-inputs.ts';
import { LEVEL_LABELS, LEVELS, needsAcceptance, riskKey, TREATMENT_LABELS } from './domain.ts';

const within = (at: string, period: ReviewInputPeriod) =>
  inPeriod(at, { ...(period.since ? { from: period.since } : {}), to: period.until });

/**
 * New high and critical risks of the period (changes in internal issues, 9.3.2 b), and the open high and
 * critical risks with their treatment, plus the register by level (risks and their treatment, 6.1).
 */
export const riskReviewInputs: ReviewInputSource = {
  async items(repos, workspaceId, period) {
    const open = (await repos.risks.all(workspaceId)).filter((r) => r.status === 'open');
    const high = open.filter((r) => needsAcceptance(r.residualLevel));
    const openActions = await repos.risks.actions(workspaceId, { status: 'open' });
    const changes: ReviewInputItem[] = high
      .filter((r) => within(r.createdAt, period))
      .map((r) => ({
        section: 'context-changes',
        ref: riskKey(r),
        text: `New ${LEVEL_LABELS[r.residualLevel].toLowerCase()} risk ${riskKey(r)}: ${r.title}`,
      }));
    const treatment: ReviewInputItem[] = high.map((r) => {
      const actions = openActions.filter((a) => a.riskId === r.id).length;
      return {
        section: 'risks',
        ref: riskKey(r),
        text: `${riskKey(r)} ${r.title}: residual ${LEVEL_LABELS[r.residualLevel].toLowerCase()}, ${TREATMENT_LABELS[r.treatment].toLowerCase()}, acceptance ${r.acceptance}, ${actions} open treatment action(s)`,
      };
    });
    const byLevel = LEVELS.map(
      (level) => `${open.filter((r) => r.residualLevel === level).length} ${LEVEL_LABELS[level].toLowerCase()}`,
    ).join(', ');
    return [
      ...changes,
      ...treatment,
      ...(open.length > 0 ? [{ section: 'risks' as const, text: `Open risks by residual level: ${byLevel}` }] : []),
    ];
  },
};

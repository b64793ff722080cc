import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { ReviewInputPeriod, ReviewInputSource } from '../../core/management-review/review-inputs.ts';
import { EU_RISK_LABELS, STAGE_LABELS } from './domain.ts';

const within = (at: string, period: ReviewInputPeriod) =>
  inPeriod(at, { ...(period.since ? { from: period.since } : {}), to: period.until });

/** AI systems added to the inventory, or retired, in the period (changes in internal issues, 9.3.2 b). */
export const aiSystemReviewInputs: ReviewInputSource = {
  async items(repos, workspaceId, period) {
    const { items } = await repos.aiSystems.list(workspaceId, { includeRetired: true }, { limit: 1000, offset: 0 });
    return items.flatMap((s) => {
      if (within(s.createdAt, period))
        return [
          {
            section: 'context-changes' as const,
            ref: s.name,
            text: `New AI system ${s.name} (${STAGE_LABELS[s.stage].toLowerCase()}, ${EU_RISK_LABELS[s.euRiskLevel]})`,
          },
        ];
      if (s.stage === 'retired' && within(s.updatedAt, period))
        return [{ section: 'context-changes' as const, ref: s.name, text: `Retired AI system ${s.name}` }];
      return [];
    });
  },
};

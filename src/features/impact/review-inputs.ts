import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { ReviewInputPeriod, ReviewInputSource } from '../../core/management-review/review-inputs.ts';
import { impactKey } from './domain.ts';

const within = (at: string, period: ReviewInputPeriod) =>
  inPeriod(at, { ...(period.since ? { from: period.since } : {}), to: period.until });

/** Impact assessments signed in the period, and those still awaiting sign-off (risks and their treatment, 6.1.4). */
export const impactReviewInputs: ReviewInputSource = {
  async items(repos, workspaceId, period) {
    const assessments = await repos.impact.list(workspaceId, { statuses: ['pending', 'signed'] });
    const items = [];
    for (const a of assessments) {
      const signed = a.status === 'signed' && a.signedAt !== null && within(a.signedAt, period);
      if (!signed && a.status !== 'pending') continue;
      const system = (await repos.aiSystems.findById(workspaceId, a.aiSystemId))?.name ?? `system #${a.aiSystemId}`;
      items.push({
        section: 'risks' as const,
        ref: impactKey(a),
        text: `Impact assessment ${impactKey(a)} of ${system} (v${a.version}): ${signed ? `signed ${a.signedAt?.slice(0, 10) ?? ''}` : 'awaiting sign-off'}`,
      });
    }
    return items;
  },
};

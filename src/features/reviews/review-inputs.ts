import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { ReviewInputPeriod, ReviewInputSection, ReviewInputSource } from '../../core/management-review/review-inputs.ts';
import { REVIEW_KIND_LABELS, REVIEW_OUTCOME_LABELS, type ReviewKind } from './domain.ts';

const within = (at: string, period: ReviewInputPeriod) =>
  inPeriod(at, { ...(period.since ? { from: period.since } : {}), to: period.until });

/** Where each kind of review done is reported among a management review's inputs (its own kind is not an input). */
const SECTION_OF: Partial<Record<ReviewKind, ReviewInputSection>> = {
  'drift-review': 'monitoring',
  'bias-review': 'monitoring',
  'impact-assessment': 'monitoring',
  'internal-audit': 'audit-results',
  'risk-register-review': 'risks',
  'ai-policy-review': 'context-changes',
};

/** Reviews recorded done in the period, with their outcome and findings: drift and bias reviews (monitoring), internal audits (audit results). */
export const reviewReviewInputs: ReviewInputSource = {
  async items(repos, workspaceId, period) {
    const items = [];
    for (const schedule of await repos.reviews.list(workspaceId, {})) {
      const section = SECTION_OF[schedule.kind];
      if (!section) continue;
      const system = schedule.aiSystemId === null ? undefined : await repos.aiSystems.findById(workspaceId, schedule.aiSystemId);
      for (const done of await repos.reviews.completions(schedule.id)) {
        if (!within(done.createdAt, period)) continue;
        items.push({
          section,
          ref: `review #${schedule.id}`,
          text: `${REVIEW_KIND_LABELS[schedule.kind]}${system ? ` of ${system.name}` : ''} done ${done.date}: ${REVIEW_OUTCOME_LABELS[done.outcome]}${done.findings ? ` (${done.findings.slice(0, 300)})` : ''}`,
        });
      }
    }
    return items;
  },
};

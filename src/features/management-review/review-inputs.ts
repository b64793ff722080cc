import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { ReviewInputSource } from '../../core/management-review/review-inputs.ts';
import { personLabel } from '../../core/identity.ts';
import { actionKey } from './domain.ts';

/** Status of actions from previous reviews (9.3.2 a): every one still open carries forward; those done since are reported done. */
export const managementReviewInputs: ReviewInputSource = {
  async items(repos, workspaceId, period) {
    const numbers = new Map((await repos.managementReviews.all(workspaceId)).map((r) => [r.id, r.number]));
    const actions = (await repos.managementReviews.actions(workspaceId, {})).filter(
      (a) =>
        a.status === 'open' ||
        (a.doneAt !== null && inPeriod(a.doneAt, { ...(period.since ? { from: period.since } : {}), to: period.until })),
    );
    const owners = new Map(
      (await repos.people.findByIds(workspaceId, [...new Set(actions.map((a) => a.ownerPersonId))])).map((p) => [p.id, p]),
    );
    const today = period.until.slice(0, 10);
    return actions.map((a) => {
      const ref = actionKey({ number: numbers.get(a.reviewId) ?? 0 }, a);
      const owner = owners.get(a.ownerPersonId);
      const state =
        a.status === 'done'
          ? `done ${a.doneAt?.slice(0, 10) ?? ''}`
          : a.dueDate < today
            ? `open, overdue since ${a.dueDate}`
            : `open, due ${a.dueDate}`;
      return {
        section: 'previous-actions' as const,
        ref,
        text: `${ref}: ${a.title} (owner ${owner ? personLabel(owner) : `person #${a.ownerPersonId}`}; ${state})`,
      };
    });
  },
};

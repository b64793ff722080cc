import { inPeriod } from '../../core/iso42001/evidence-coverage.ts';
import type { ReviewInputPeriod, ReviewInputSource } from '../../core/management-review/review-inputs.ts';
import { personLabel } from '../../core/identity.ts';
import { incidentKey } from './domain.ts';

const within = (at: string, period: ReviewInputPeriod) =>
  inPeriod(at, { ...(period.since ? { from: period.since } : {}), to: period.until });

/** A review reads at most this many incidents and actions per input (the rest are counted). */
const CAP = 200;

/**
 * Incidents of the period (monitoring results, 9.3.2 d) and corrective actions opened in it or still open
 * (nonconformities and corrective actions, 9.3.2 c).
 */
export const incidentReviewInputs: ReviewInputSource = {
  async items(repos, workspaceId, period) {
    const { items: incidents } = await repos.incidents.list(workspaceId, {}, { limit: 1000, offset: 0 });
    const inThePeriod = incidents.filter((i) => within(i.createdAt, period) || (i.closedAt !== null && within(i.closedAt, period)));
    const monitoring = inThePeriod.slice(0, CAP).map((i) => ({
      section: 'monitoring' as const,
      ref: incidentKey(i),
      text: `${incidentKey(i)} (${i.severity}) ${i.title}: ${i.status}${i.closedAt ? ` ${i.closedAt.slice(0, 10)}` : ''}${i.systemName ? ` · ${i.systemName}` : ''}`,
    }));
    if (inThePeriod.length > CAP)
      monitoring.push({ section: 'monitoring', ref: '', text: `and ${inThePeriod.length - CAP} more incidents` });
    const numbers = new Map(incidents.map((i) => [i.id, incidentKey(i)]));
    const { items: actions } = await repos.actions.list(workspaceId, {}, { limit: 1000, offset: 0 });
    const relevant = actions.filter(
      (a) => a.status === 'open' || within(a.createdAt, period) || (a.doneAt !== null && within(a.doneAt, period)),
    );
    const owners = new Map(
      (await repos.people.findByIds(workspaceId, [...new Set(relevant.map((a) => a.ownerPersonId))])).map((p) => [p.id, p]),
    );
    const nonconformities = relevant.slice(0, CAP).map((a) => {
      const of =
        a.incidentId !== null ? ` of ${numbers.get(a.incidentId) ?? 'an incident'}` : a.reviewCompletionId !== null ? ' of a review' : '';
      const owner = owners.get(a.ownerPersonId);
      return {
        section: 'nonconformities' as const,
        ref: `action #${a.id}`,
        text: `Corrective action #${a.id}${of}: ${a.title} (owner ${owner ? personLabel(owner) : `person #${a.ownerPersonId}`}; ${a.status === 'done' ? `done ${a.doneAt?.slice(0, 10) ?? ''}` : `open, due ${a.dueDate}`})`,
      };
    });
    return [...monitoring, ...nonconformities];
  },
};

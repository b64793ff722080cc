import type { Repositories } from '../ports.ts';

/**
 * The inputs ISO/IEC 42001 clause 9.3.2 asks a management review to consider, in the order the
 * clause lists them (plus the risks and their treatment, which 6.1 feeds into it).
 */
export const REVIEW_INPUT_SECTIONS = [
  'previous-actions',
  'context-changes',
  'interested-parties',
  'nonconformities',
  'monitoring',
  'audit-results',
  'improvement',
  'risks',
] as const;
export type ReviewInputSection = (typeof REVIEW_INPUT_SECTIONS)[number];

/** How each section is headed in the review's card, pack and minutes. */
export const REVIEW_INPUT_TITLES: Record<ReviewInputSection, string> = {
  'previous-actions': 'Status of actions from previous management reviews',
  'context-changes': 'Changes in external and internal issues (AI systems, high risks)',
  'interested-parties': 'Changes in the needs and expectations of interested parties',
  nonconformities: 'Nonconformities and corrective actions',
  monitoring: 'Monitoring and measurement results (objectives, drift and bias reviews, incidents)',
  'audit-results': 'Audit results',
  improvement: 'Opportunities for continual improvement',
  risks: 'Risks and their treatment',
};

/** One line of a review's inputs, built from the store when the review is opened. */
export interface ReviewInputItem {
  section: ReviewInputSection;
  /** What a reader of the minutes sees: "INC-4 (S1) Fraud model outage, closed 2026-11-03". */
  text: string;
  /** The record it is about, as people name it ("INC-4", "AUD-2", "R-3"), when there is one. */
  ref?: string;
}

/** The period a review looks back over: since the previous review was opened (everything when there was none), up to now. */
export interface ReviewInputPeriod {
  /** UTC ISO instant, inclusive; undefined for "since the beginning". */
  since?: string;
  /** UTC ISO instant, exclusive. */
  until: string;
}

/** What an area declares for management review inputs: its items, read inside the caller's read unit. */
export interface ReviewInputSource {
  items(repos: Repositories, workspaceId: number, period: ReviewInputPeriod): Promise<ReviewInputItem[]>;
}

/** What the audit log calls the area's changes. Recording a review done shares its name with the form and button that do it. */
export const REVIEW_AUDIT = { scheduled: 'review.scheduled', updated: 'review.updated', done: 'review.done' } as const;

export const REVIEW_KINDS = [
  'drift-review',
  'bias-review',
  'risk-register-review',
  'impact-assessment',
  'ai-policy-review',
  'internal-audit',
  'management-review',
] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = {
  'drift-review': 'Drift review',
  'bias-review': 'Bias review',
  'risk-register-review': 'Risk register review',
  'impact-assessment': 'Impact assessment',
  'ai-policy-review': 'AI policy review',
  'internal-audit': 'Internal audit',
  'management-review': 'Management review',
};

/** The Annex A evidence kind (annex-a.json) a review done serves as; null: none listed there yet. */
export const REVIEW_EVIDENCE: Record<ReviewKind, string | null> = {
  'drift-review': 'review:drift',
  'bias-review': 'review:bias',
  // annex-a.json names the risk register itself ("risk"), not its review.
  'risk-register-review': null,
  'impact-assessment': 'review:impact-assessment',
  'ai-policy-review': 'review:policy',
  'internal-audit': 'review:internal-audit',
  'management-review': 'review:management-review',
};

export const REVIEW_OUTCOMES = ['no-findings', 'findings', 'could-not-complete'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const REVIEW_OUTCOME_LABELS: Record<ReviewOutcome, string> = {
  'no-findings': 'No findings',
  findings: 'Findings',
  'could-not-complete': 'Could not complete',
};

/** Default cadence of the drift and bias reviews offered for a system in production. */
export const DEFAULT_SYSTEM_REVIEW_DAYS = 90;

export interface ReviewSchedule {
  id: number;
  workspaceId: number;
  kind: ReviewKind;
  aiSystemId: number | null;
  ownerPersonId: number;
  cadenceDays: number;
  /** YYYY-MM-DD */
  nextDue: string;
  lastDone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewCompletion {
  id: number;
  scheduleId: number;
  date: string;
  outcome: ReviewOutcome;
  findings: string | null;
  evidence: string | null;
  recordedBy: number;
  createdAt: string;
}

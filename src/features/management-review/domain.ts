import type { ReviewInputItem } from '../../core/management-review/review-inputs.ts';

/** What the audit log calls the area's changes. */
export const MR_AUDIT = {
  opened: 'management_review.opened',
  attendees: 'management_review.attendees',
  decision: 'management_review.decision',
  action: 'management_review.action',
  actionDone: 'management_review.action_done',
  closed: 'management_review.closed',
} as const;

/** How often a management review is held when the reviews area has no management-review schedule (clause 9.3: planned intervals). */
export const DEFAULT_REVIEW_CADENCE_DAYS = 365;

export type ManagementReviewStatus = 'open' | 'closed';

/** A management review (ISO/IEC 42001 9.3): what was presented, who attended, what was decided; locked once closed. */
export interface ManagementReview {
  id: number;
  workspaceId: number;
  number: number;
  status: ManagementReviewStatus;
  /** The leadership role holder who chairs it and closes it; null until one is named. */
  chairPersonId: number | null;
  openedByPersonId: number;
  openedAt: string;
  /** The period its inputs cover: since the previous review was opened (null: the beginning), until it was opened. */
  periodSince: string | null;
  periodUntil: string;
  /** The inputs as presented: a snapshot taken when it was opened (clause 9.3.2). */
  inputs: ReviewInputItem[];
  attendeePersonIds: number[];
  closedAt: string | null;
  closedByPersonId: number | null;
  updatedAt: string;
}

export interface ReviewDecision {
  id: number;
  workspaceId: number;
  reviewId: number;
  /** 1, 2, 3 ... within the review. */
  number: number;
  text: string;
  recordedByPersonId: number;
  createdAt: string;
}

export interface ReviewAction {
  id: number;
  workspaceId: number;
  reviewId: number;
  /** 1, 2, 3 ... within the review ("MR-1 action 2"). */
  number: number;
  title: string;
  ownerPersonId: number;
  /** YYYY-MM-DD */
  dueDate: string;
  status: 'open' | 'done';
  doneAt: string | null;
  createdByPersonId: number;
  createdAt: string;
}

export const reviewKey = (review: Pick<ManagementReview, 'number'>) => `MR-${review.number}`;
export const actionKey = (review: Pick<ManagementReview, 'number'>, action: Pick<ReviewAction, 'number'>) =>
  `${reviewKey(review)} action ${action.number}`;

/** Parses "MR-3", "mr3" or "MR 3". */
export function parseReviewRef(ref: string | undefined): number | undefined {
  const match = /^mr[-\s]?(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

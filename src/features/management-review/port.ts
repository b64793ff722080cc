import type { ManagementReview, ReviewAction, ReviewDecision } from './domain.ts';

/** The repository the management review service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface ManagementReviewRepository {
  /** The next MR number of a workspace; call inside the write transaction that inserts it. */
  nextNumber(workspaceId: number): Promise<number>;
  insert(input: Omit<ManagementReview, 'id'>): Promise<ManagementReview>;
  update(
    workspaceId: number,
    id: number,
    changes: Partial<
      Pick<ManagementReview, 'status' | 'chairPersonId' | 'attendeePersonIds' | 'closedAt' | 'closedByPersonId' | 'updatedAt'>
    >,
  ): Promise<void>;
  findByNumber(workspaceId: number, number: number): Promise<ManagementReview | undefined>;
  findById(workspaceId: number, id: number): Promise<ManagementReview | undefined>;
  /** Every review of the workspace, newest first. */
  all(workspaceId: number): Promise<ManagementReview[]>;
  /** Reviews by number, after `afterNumber`, at most `limit`: one page of the export. */
  pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<ManagementReview[]>;
  /** The decisions of these reviews, by review then number, in one read. */
  decisionsOf(workspaceId: number, reviewIds: readonly number[]): Promise<ReviewDecision[]>;
  /** The actions of these reviews, by review then number, in one read. */
  actionsOf(workspaceId: number, reviewIds: readonly number[]): Promise<ReviewAction[]>;
  addDecision(input: Omit<ReviewDecision, 'id' | 'number'>): Promise<ReviewDecision>;
  decisions(workspaceId: number, reviewId?: number): Promise<ReviewDecision[]>;
  addAction(input: Omit<ReviewAction, 'id' | 'number'>): Promise<ReviewAction>;
  /** Actions of one review, or of all, optionally only open or done ones, by review then number. */
  actions(workspaceId: number, filter: { reviewId?: number; status?: 'open' | 'done' }): Promise<ReviewAction[]>;
  markActionDone(workspaceId: number, id: number, at: string): Promise<void>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    managementReviews: ManagementReviewRepository;
  }
}

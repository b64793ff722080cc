import type { ReviewCompletion, ReviewKind, ReviewSchedule } from './domain.ts';

/** The repository the reviews service needs; ./store.ts implements it for SQLite and PostgreSQL. */
/** One kind's schedules overdue and due this week, with the first of each in (next due, id) order as comparable text, to list kinds soonest first. */
export interface ReviewDueCounts {
  kind: ReviewKind;
  overdue: number;
  dueThisWeek: number;
  firstOverdue: string | null;
  firstThisWeek: string | null;
}

export interface ReviewRepository {
  insert(input: Omit<ReviewSchedule, 'id'>): Promise<ReviewSchedule>;
  update(workspaceId: number, id: number, changes: Partial<Omit<ReviewSchedule, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void>;
  findById(workspaceId: number, id: number): Promise<ReviewSchedule | undefined>;
  list(workspaceId: number, filter: { ownerPersonId?: number; aiSystemId?: number }): Promise<ReviewSchedule[]>;
  /** Whether the workspace has any review schedule (one index seek). */
  exists(workspaceId: number): Promise<boolean>;
  /** Schedules due before `today`: how many, and the first `limit` in the order of list (soonest due, then id). */
  overdue(workspaceId: number, today: string, limit: number): Promise<{ count: number; first: ReviewSchedule[] }>;
  /** Schedules by id, after `afterId`, at most `limit`: one page of the export. */
  pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<ReviewSchedule[]>;
  /** The completions of these schedules, by schedule then newest first (as `completions`): an export page's in one read. */
  completionsOf(scheduleIds: readonly number[]): Promise<ReviewCompletion[]>;
  addCompletion(input: Omit<ReviewCompletion, 'id'>): Promise<ReviewCompletion>;
  completions(scheduleId: number): Promise<ReviewCompletion[]>;
  /** Reviews of a workspace done on or after a day. */
  doneSince(workspaceId: number, since: string): Promise<number>;
  /** The kind and day of every review of a workspace recorded done. */
  /** Completions per kind dated from `from` to before `before` (days), counted in the database. */
  completedCounts(workspaceId: number, days: { from?: string; before?: string }): Promise<Array<{ kind: ReviewKind; n: number }>>;
  completedKinds(workspaceId: number): Promise<Array<{ kind: ReviewKind; date: string }>>;
  /** Schedules due before `today` (overdue) and from `today` to `weekEnd` (due this week), by kind. */
  dueCounts(workspaceId: number, today: string, weekEnd: string): Promise<ReviewDueCounts[]>;
  /** The kinds of review recorded done at least once (Annex A evidence in status). */
  /** The kinds with a review recorded done (with a completion on or after the day `fromDay`, when given). */
  kindsDone(workspaceId: number, fromDay?: string): Promise<ReviewKind[]>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    reviews: ReviewRepository;
  }
}

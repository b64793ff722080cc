import type { AcceptanceCriterion, Release, ReleaseDecision, ReleaseMetric, ReleaseStatus } from './domain.ts';

/** The repository the releases service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface ReleaseRepository {
  criteria(workspaceId: number, aiSystemId: number): Promise<AcceptanceCriterion[]>;
  /** The criteria of these systems, by id (as `criteria`): an export page's lookup in one read. */
  criteriaOf(workspaceId: number, aiSystemIds: readonly number[]): Promise<AcceptanceCriterion[]>;
  /** Releases by id, after `afterId`, at most `limit`: one page of the export. */
  pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<Release[]>;
  /** The metrics of these releases, by release then id (as `metrics`), each with its release. */
  metricsOf(releaseIds: readonly number[]): Promise<Array<ReleaseMetric & { releaseId: number }>>;
  /** Every decision on these releases, dropped ones too, by release then id (as `decisions(id, false)`). */
  decisionsOf(releaseIds: readonly number[]): Promise<ReleaseDecision[]>;
  addCriterion(input: Omit<AcceptanceCriterion, 'id'>): Promise<AcceptanceCriterion>;
  removeCriterion(workspaceId: number, id: number): Promise<boolean>;
  insert(input: Omit<Release, 'id'>): Promise<Release>;
  update(workspaceId: number, id: number, changes: Partial<Omit<Release, 'id' | 'workspaceId'>>): Promise<void>;
  findById(workspaceId: number, id: number): Promise<Release | undefined>;
  /** A pending or approved release of this version of the system. */
  findLive(aiSystemId: number, versionKey: string): Promise<Release | undefined>;
  list(
    workspaceId: number,
    filter: { statuses?: readonly ReleaseStatus[]; aiSystemId?: number },
    page: { limit: number; offset: number },
  ): Promise<{ items: Release[]; total: number }>;
  replaceMetrics(releaseId: number, metrics: ReleaseMetric[]): Promise<void>;
  metrics(releaseId: number): Promise<ReleaseMetric[]>;
  addDecision(input: Omit<ReleaseDecision, 'id'>): Promise<ReleaseDecision>;
  decisions(releaseId: number, activeOnly: boolean): Promise<ReleaseDecision[]>;
  /** Drops the active decisions (an edit of the request); returns who had decided. */
  dropDecisions(releaseId: number): Promise<number[]>;
  decidedSince(workspaceId: number, since: string): Promise<{ approved: number; rejected: number }>;
  /** Decided since `since` (and the earliest such decision), and the pending total, in one read. */
  overview(workspaceId: number, since: string): Promise<ReleaseOverview>;
  /** The oldest pending requests, oldest first. */
  oldestPending(workspaceId: number, limit: number): Promise<Array<Pick<Release, 'id' | 'aiSystemId' | 'version' | 'createdAt'>>>;
  /** Pending requests `personId` did not make and has not decided on; null unless they hold the approver role. */
  waitingOn(workspaceId: number, personId: number): Promise<number | null>;
  /** Which kinds of release evidence the workspace has at all (status coverage). */
  /** Releases requested in an evidence period, those with evaluation results, and acceptance criteria recorded in it: counted in the database. */
  evidenceCounts(
    workspaceId: number,
    period: { from?: string; to?: string },
  ): Promise<{ release: number; evaluation: number; criteria: number }>;
  /** Which kinds of release evidence exist (created at or after `from`, when given): a few EXISTS. */
  evidencePresent(workspaceId: number, from?: string): Promise<{ release: boolean; evaluation: boolean; criteria: boolean }>;
}

export interface ReleaseOverview {
  approved: number;
  rejected: number;
  firstDecidedSince: string | null;
  pending: number;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    releases: ReleaseRepository;
  }
}

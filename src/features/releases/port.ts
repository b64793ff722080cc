import type { AcceptanceCriterion, Release, ReleaseDecision, ReleaseMetric, ReleaseStatus } from './domain.ts';

/** The repository the releases service needs; ./store.ts implements it over SQLite. */
export interface ReleaseRepository {
  criteria(workspaceId: number, aiSystemId: number): AcceptanceCriterion[];
  addCriterion(input: Omit<AcceptanceCriterion, 'id'>): AcceptanceCriterion;
  removeCriterion(workspaceId: number, id: number): boolean;
  insert(input: Omit<Release, 'id'>): Release;
  update(workspaceId: number, id: number, changes: Partial<Omit<Release, 'id' | 'workspaceId'>>): void;
  findById(workspaceId: number, id: number): Release | undefined;
  /** A pending or approved release of this version of the system. */
  findLive(aiSystemId: number, versionKey: string): Release | undefined;
  list(
    workspaceId: number,
    filter: { statuses?: readonly ReleaseStatus[]; aiSystemId?: number },
    page: { limit: number; offset: number },
  ): { items: Release[]; total: number };
  replaceMetrics(releaseId: number, metrics: ReleaseMetric[]): void;
  metrics(releaseId: number): ReleaseMetric[];
  addDecision(input: Omit<ReleaseDecision, 'id'>): ReleaseDecision;
  decisions(releaseId: number, activeOnly: boolean): ReleaseDecision[];
  /** Drops the active decisions (an edit of the request); returns who had decided. */
  dropDecisions(releaseId: number): number[];
  decidedSince(workspaceId: number, since: string): { approved: number; rejected: number };
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    releases: ReleaseRepository;
  }
}

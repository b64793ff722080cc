import type { ImpactAssessment, ImpactStatus } from './domain.ts';

/** A system whose impact assessment is due, as impact_due keeps it. */
export interface ImpactDueRow {
  aiSystemId: number;
  workspaceId: number;
  nameKey: string;
  since: string;
  due: string;
  pendingId: number | null;
}

/** The repository the impact service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface ImpactRepository {
  insert(input: Omit<ImpactAssessment, 'id'>): Promise<ImpactAssessment>;
  update(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<ImpactAssessment, 'status' | 'signedByPersonId' | 'signedAt' | 'supersededById' | 'updatedAt'>>,
  ): Promise<void>;
  findById(workspaceId: number, id: number): Promise<ImpactAssessment | undefined>;
  /** Every assessment of the workspace (of one system, or of some statuses), newest first. */
  list(workspaceId: number, filter: { aiSystemId?: number; statuses?: readonly ImpactStatus[] }): Promise<ImpactAssessment[]>;
  /** How many assessments of the workspace have the status. */
  countByStatus(workspaceId: number, status: ImpactStatus): Promise<number>;
  /**
   * From impact_due (the maintained aggregate of impactsDue's rule): how many systems are due, how many of
   * them await sign-off, and the first `names` by name.
   */
  dueSummary(workspaceId: number, names: number): Promise<{ due: number; pending: number; first: ImpactDueRow[] }>;
  /** The due systems whose due day is before `day`: how many, and the `limit` most overdue (earliest due, then by name). */
  dueBefore(workspaceId: number, day: string, limit: number): Promise<{ count: number; first: ImpactDueRow[] }>;
  /** Every assessment (every version) by id, after `afterId`, at most `limit`: one page of the export. */
  pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<ImpactAssessment[]>;
  /** The highest version of a system's assessments, 0 when it has none. */
  lastVersion(workspaceId: number, aiSystemId: number): Promise<number>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    impact: ImpactRepository;
  }
}

import type { ImpactAssessment, ImpactStatus } from './domain.ts';

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

import type { AiSystem, EuRiskLevel, Stage } from './domain.ts';

export interface AiSystemFilter {
  stage?: Stage;
  euRiskLevel?: EuRiskLevel;
  /** Retired systems are left out unless asked for or filtered by stage. */
  includeRetired?: boolean;
}

export interface AiSystemCounts {
  byStage: Record<Stage, number>;
  /** Systems not retired, by EU AI Act risk level. */
  byRisk: Record<EuRiskLevel, number>;
  /** Systems not retired with no owner. */
  withoutOwner: number;
}

export interface AiSystemRepository {
  insert(input: Omit<AiSystem, 'id'>): Promise<AiSystem>;
  update(workspaceId: number, id: number, changes: Partial<Omit<AiSystem, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void>;
  findById(workspaceId: number, id: number): Promise<AiSystem | undefined>;
  findByNameKey(workspaceId: number, nameKey: string): Promise<AiSystem | undefined>;
  list(workspaceId: number, filter: AiSystemFilter, page: { limit: number; offset: number }): Promise<{ items: AiSystem[]; total: number }>;
  /** Systems not retired (as `list` with no filter), by id, after `afterId`, at most `limit`: one page of the export. */
  pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<AiSystem[]>;
  /** The systems of these ids (retired ones too), in no order: an export page's lookup. */
  findByIds(workspaceId: number, ids: readonly number[]): Promise<AiSystem[]>;
  /** Systems not retired whose name contains `query`, for type-ahead pickers. */
  search(workspaceId: number, query: string, limit: number): Promise<AiSystem[]>;
  names(workspaceId: number): Promise<string[]>;
  counts(workspaceId: number): Promise<AiSystemCounts>;
  /** Whether the workspace has any system at all, retired ones included (Annex A evidence in status). */
  /** Systems (retired ones too) created in an evidence period (ISO instants), counted in the database. */
  countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number>;
  /** Whether the workspace has an AI system in development or production: one seek. */
  hasActive(workspaceId: number): Promise<boolean>;
  /** Whether the workspace has an AI system (created at or after `from`, when given): one seek. */
  exists(workspaceId: number, from?: string): Promise<boolean>;
}

// The area adds its repositories to the unit of work's set here; core/ports.ts does not list them.
declare module '../../core/ports.ts' {
  interface Repositories {
    aiSystems: AiSystemRepository;
  }
}

import type { LevelThresholds, Risk, RiskAction, RiskDecision } from './domain.ts';

/** The repository the risks service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface RiskRepository {
  /** The next R number of a workspace; call inside the write transaction that inserts it. */
  nextNumber(workspaceId: number): Promise<number>;
  insert(input: Omit<Risk, 'id'>): Promise<Risk>;
  update(workspaceId: number, id: number, changes: Partial<Omit<Risk, 'id' | 'workspaceId' | 'number'>>): Promise<void>;
  findByNumber(workspaceId: number, number: number): Promise<Risk | undefined>;
  findById(workspaceId: number, id: number): Promise<Risk | undefined>;
  /** Every risk of the workspace, newest first (registers are small: filters run over it). */
  all(workspaceId: number): Promise<Risk[]>;
  /** Risks by number, after `afterNumber`, at most `limit`: one page of the export. */
  pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<Risk[]>;
  /** How many open treatment actions each of these risks has (risks without any left out), in one read. */
  openActionCounts(workspaceId: number, riskIds: readonly number[]): Promise<Map<number, number>>;
  addAction(input: Omit<RiskAction, 'id'>): Promise<RiskAction>;
  actions(workspaceId: number, filter: { riskId?: number; status?: 'open' | 'done' }): Promise<RiskAction[]>;
  findAction(workspaceId: number, id: number): Promise<RiskAction | undefined>;
  markActionDone(workspaceId: number, id: number, at: string): Promise<void>;
  addDecision(input: Omit<RiskDecision, 'id'>): Promise<RiskDecision>;
  decisions(riskId: number, activeOnly: boolean): Promise<RiskDecision[]>;
  /** Drops the active acceptances (a material change); returns who had accepted. */
  dropDecisions(riskId: number): Promise<number[]>;
  thresholds(workspaceId: number): Promise<LevelThresholds | undefined>;
  setThresholds(workspaceId: number, thresholds: LevelThresholds, at: string): Promise<void>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    risks: RiskRepository;
  }
}

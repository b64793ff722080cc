import type { Objective, Reading } from './domain.ts';

/** The repository the objectives service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface ObjectiveRepository {
  /** The next OBJ number of a workspace; call inside the write transaction that inserts it. */
  nextNumber(workspaceId: number): Promise<number>;
  insert(input: Omit<Objective, 'id'>): Promise<Objective>;
  findByNumber(workspaceId: number, number: number): Promise<Objective | undefined>;
  findById(workspaceId: number, id: number): Promise<Objective | undefined>;
  findByName(workspaceId: number, nameKey: string): Promise<Objective | undefined>;
  /** Every objective of the workspace, by number (a handful per workspace). */
  all(workspaceId: number): Promise<Objective[]>;
  /** Objectives by number, after `afterNumber`, at most `limit`: one page of the export. */
  pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<Objective[]>;
  /** The readings of these objectives, by objective then date and id (as `readings`), in one read. */
  readingsOf(workspaceId: number, objectiveIds: readonly number[]): Promise<Reading[]>;
  insertReading(input: Omit<Reading, 'id'>): Promise<Reading>;
  findReading(workspaceId: number, id: number): Promise<Reading | undefined>;
  explainReading(workspaceId: number, id: number, explanation: { text: string; personId: number; at: string }): Promise<void>;
  /** Readings of the workspace (of one objective when given), oldest first. */
  readings(workspaceId: number, objectiveId?: number): Promise<Reading[]>;
  /** Whether the workspace has any reading (Annex A evidence in status). */
  hasReadings(workspaceId: number): Promise<boolean>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    objectives: ObjectiveRepository;
  }
}

import type { Completion, Course, TrainingSession } from './domain.ts';

/** The repository the training service needs; ./store.ts implements it for SQLite and PostgreSQL. */
/** A course someone must hold: everyone when `roles` is empty, else holders of any of them; completions dated `countsFrom` or later count. */
export interface RequiredCourse {
  id: number;
  roles: readonly string[];
  countsFrom: string;
}

/** Required training of a workspace: (person, course) pairs that need one, those holding a valid one, and people missing any. */
export interface TrainingStanding {
  required: number;
  valid: number;
  peopleOverdue: number;
}

export interface TrainingRepository {
  insertCourse(input: Omit<Course, 'id'>): Promise<Course>;
  updateCourse(workspaceId: number, id: number, changes: Partial<Omit<Course, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void>;
  findCourse(workspaceId: number, id: number): Promise<Course | undefined>;
  findCourseByName(workspaceId: number, nameKey: string): Promise<Course | undefined>;
  courses(workspaceId: number, includeRetired: boolean): Promise<Course[]>;
  insertSession(input: Omit<TrainingSession, 'id'>): Promise<TrainingSession>;
  findSession(workspaceId: number, id: number): Promise<TrainingSession | undefined>;
  /** Inserts a completion unless the same person, course and day exists; true when inserted. */
  insertCompletion(input: Omit<Completion, 'id'>): Promise<boolean>;
  completions(workspaceId: number, filter: { personId?: number; courseId?: number }): Promise<Completion[]>;
  /** Completions by id, after `afterId`, at most `limit`: one page of the export. */
  completionsPage(workspaceId: number, afterId: number | undefined, limit: number): Promise<Completion[]>;
  /** The sessions of these ids, in no order: an export page's lookup. */
  sessionsByIds(workspaceId: number, ids: readonly number[]): Promise<TrainingSession[]>;
  /** Required training as of `asOf`, counted in the database over the given courses. */
  standing(workspaceId: number, asOf: string, courses: readonly RequiredCourse[]): Promise<TrainingStanding>;
  /** Completions dated from `from` (a day, included) to before `before` (a day), counted in the database. */
  countCompletions(workspaceId: number, days: { from?: string; before?: string }): Promise<number>;
  /** Whether the workspace has recorded any completion (Annex A evidence in status). */
  /** Whether the workspace has a completion (on or after the day `fromDay`, when given): one seek. */
  exists(workspaceId: number, fromDay?: string): Promise<boolean>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    training: TrainingRepository;
  }
}

import type { Completion, Course, TrainingSession } from './domain.ts';

/** The repository the training service needs; ./store.ts implements it for SQLite and PostgreSQL. */
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
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    training: TrainingRepository;
  }
}

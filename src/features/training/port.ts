import type { Completion, Course, TrainingSession } from './domain.ts';

/** The repository the training service needs; ./store.ts implements it over SQLite. */
export interface TrainingRepository {
  insertCourse(input: Omit<Course, 'id'>): Course;
  updateCourse(workspaceId: number, id: number, changes: Partial<Omit<Course, 'id' | 'workspaceId' | 'createdAt'>>): void;
  findCourse(workspaceId: number, id: number): Course | undefined;
  findCourseByName(workspaceId: number, nameKey: string): Course | undefined;
  courses(workspaceId: number, includeRetired: boolean): Course[];
  insertSession(input: Omit<TrainingSession, 'id'>): TrainingSession;
  findSession(workspaceId: number, id: number): TrainingSession | undefined;
  /** Inserts a completion unless the same person, course and day exists; true when inserted. */
  insertCompletion(input: Omit<Completion, 'id'>): boolean;
  completions(workspaceId: number, filter: { personId?: number; courseId?: number }): Completion[];
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    training: TrainingRepository;
  }
}

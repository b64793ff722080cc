import { and, asc, eq, ne, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import type { Completion, Course, TrainingSession } from './domain.ts';
import type { TrainingRepository } from './port.ts';
import { courses, trainingCompletions, trainingSessions } from './schema.ts';

type CourseRow = typeof courses.$inferSelect;
const toCourse = (row: CourseRow): Course => ({ ...row, requiredRoles: (row.requiredRoles as Course['requiredRoles'] | null) ?? [] });

export class SqliteTrainingRepository implements TrainingRepository {
  constructor(private readonly db: Db) {}

  async insertCourse(input: Omit<Course, 'id'>): Promise<Course> {
    return toCourse(this.db.insert(courses).values(input).returning().get());
  }

  async updateCourse(workspaceId: number, id: number, changes: Partial<Omit<Course, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void> {
    this.db
      .update(courses)
      .set(changes)
      .where(and(eq(courses.workspaceId, workspaceId), eq(courses.id, id)))
      .run();
  }

  async findCourse(workspaceId: number, id: number): Promise<Course | undefined> {
    const row = this.db
      .select()
      .from(courses)
      .where(and(eq(courses.workspaceId, workspaceId), eq(courses.id, id)))
      .get();
    return row ? toCourse(row) : undefined;
  }

  async findCourseByName(workspaceId: number, nameKey: string): Promise<Course | undefined> {
    const row = this.db
      .select()
      .from(courses)
      .where(and(eq(courses.workspaceId, workspaceId), eq(courses.nameKey, nameKey)))
      .get();
    return row ? toCourse(row) : undefined;
  }

  async courses(workspaceId: number, includeRetired: boolean): Promise<Course[]> {
    const where = includeRetired
      ? eq(courses.workspaceId, workspaceId)
      : and(eq(courses.workspaceId, workspaceId), ne(courses.status, 'retired'));
    return this.db.select().from(courses).where(where).orderBy(asc(courses.nameKey)).all().map(toCourse);
  }

  async insertSession(input: Omit<TrainingSession, 'id'>): Promise<TrainingSession> {
    return this.db.insert(trainingSessions).values(input).returning().get();
  }

  async findSession(workspaceId: number, id: number): Promise<TrainingSession | undefined> {
    return this.db
      .select()
      .from(trainingSessions)
      .where(and(eq(trainingSessions.workspaceId, workspaceId), eq(trainingSessions.id, id)))
      .get();
  }

  async insertCompletion(input: Omit<Completion, 'id'>): Promise<boolean> {
    return this.db.insert(trainingCompletions).values(input).onConflictDoNothing().run().changes === 1;
  }

  async completions(workspaceId: number, filter: { personId?: number; courseId?: number }): Promise<Completion[]> {
    const conditions: SQL[] = [eq(trainingCompletions.workspaceId, workspaceId)];
    if (filter.personId) conditions.push(eq(trainingCompletions.personId, filter.personId));
    if (filter.courseId) conditions.push(eq(trainingCompletions.courseId, filter.courseId));
    return this.db
      .select()
      .from(trainingCompletions)
      .where(and(...conditions))
      .orderBy(asc(trainingCompletions.date), asc(trainingCompletions.id))
      .all();
  }
}

/** The training repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function trainingRepositories(db: Db): Pick<Repositories, 'training'> {
  return { training: new SqliteTrainingRepository(db) };
}

import { and, asc, eq, ne, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { changedRows, dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { Completion, Course, TrainingSession } from './domain.ts';
import type { TrainingRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type CourseRow = typeof sqliteTables.courses.$inferSelect;
const toCourse = (row: CourseRow): Course => ({ ...row, requiredRoles: (row.requiredRoles as Course['requiredRoles'] | null) ?? [] });

/** The courses, training_sessions and training_completions tables, the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class TrainingStore implements TrainingRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async insertCourse(input: Omit<Course, 'id'>): Promise<Course> {
    return toCourse(inserted(await this.s.db.insert(this.t.courses).values(input).returning()));
  }

  async updateCourse(workspaceId: number, id: number, changes: Partial<Omit<Course, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void> {
    const { courses } = this.t;
    await this.s.db
      .update(courses)
      .set(changes)
      .where(and(eq(courses.workspaceId, workspaceId), eq(courses.id, id)));
  }

  async findCourse(workspaceId: number, id: number): Promise<Course | undefined> {
    const { courses } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(courses)
        .where(and(eq(courses.workspaceId, workspaceId), eq(courses.id, id)))
        .limit(1),
    );
    return row ? toCourse(row) : undefined;
  }

  async findCourseByName(workspaceId: number, nameKey: string): Promise<Course | undefined> {
    const { courses } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(courses)
        .where(and(eq(courses.workspaceId, workspaceId), eq(courses.nameKey, nameKey)))
        .limit(1),
    );
    return row ? toCourse(row) : undefined;
  }

  async courses(workspaceId: number, includeRetired: boolean): Promise<Course[]> {
    const { courses } = this.t;
    const where = includeRetired
      ? eq(courses.workspaceId, workspaceId)
      : and(eq(courses.workspaceId, workspaceId), ne(courses.status, 'retired'));
    const rows = await this.s.db.select().from(courses).where(where).orderBy(asc(courses.nameKey));
    return rows.map(toCourse);
  }

  async insertSession(input: Omit<TrainingSession, 'id'>): Promise<TrainingSession> {
    return inserted(await this.s.db.insert(this.t.trainingSessions).values(input).returning());
  }

  async findSession(workspaceId: number, id: number): Promise<TrainingSession | undefined> {
    const { trainingSessions } = this.t;
    return first(
      await this.s.db
        .select()
        .from(trainingSessions)
        .where(and(eq(trainingSessions.workspaceId, workspaceId), eq(trainingSessions.id, id)))
        .limit(1),
    );
  }

  async insertCompletion(input: Omit<Completion, 'id'>): Promise<boolean> {
    // The unique (course, person, date) index decides: a repeat inserts nothing and reports false.
    return changedRows(await this.s.db.insert(this.t.trainingCompletions).values(input).onConflictDoNothing()) === 1;
  }

  async completions(workspaceId: number, filter: { personId?: number; courseId?: number }): Promise<Completion[]> {
    const { trainingCompletions } = this.t;
    const conditions: SQL[] = [eq(trainingCompletions.workspaceId, workspaceId)];
    if (filter.personId) conditions.push(eq(trainingCompletions.personId, filter.personId));
    if (filter.courseId) conditions.push(eq(trainingCompletions.courseId, filter.courseId));
    return this.s.db
      .select()
      .from(trainingCompletions)
      .where(and(...conditions))
      .orderBy(asc(trainingCompletions.date), asc(trainingCompletions.id));
  }
}

/** The training repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function trainingRepositories(s: StoreDb): Pick<Repositories, 'training'> {
  return { training: new TrainingStore(s) };
}

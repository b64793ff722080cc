import { and, asc, count, eq, gt, gte, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { tables as kernelTables } from '../../store/repositories/kernel-tables.ts';
import {
  changedRows,
  dialectTables,
  first,
  inserted,
  keptInReadUnit,
  rowsOf,
  workspaceHasRow,
  type StoreDb,
} from '../../store/store-db.ts';
import type { Completion, Course, TrainingSession } from './domain.ts';
import type { RequiredCourse, TrainingRepository, TrainingStanding } from './port.ts';
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

  async completionsPage(workspaceId: number, afterId: number | undefined, limit: number): Promise<Completion[]> {
    const { trainingCompletions } = this.t;
    const conditions: SQL[] = [eq(trainingCompletions.workspaceId, workspaceId)];
    if (afterId !== undefined) conditions.push(gt(trainingCompletions.id, afterId));
    return this.s.db
      .select()
      .from(trainingCompletions)
      .where(and(...conditions))
      .orderBy(asc(trainingCompletions.id))
      .limit(limit);
  }

  async sessionsByIds(workspaceId: number, ids: readonly number[]): Promise<TrainingSession[]> {
    if (ids.length === 0) return [];
    const { trainingSessions } = this.t;
    return await this.s.db
      .select()
      .from(trainingSessions)
      .where(and(eq(trainingSessions.workspaceId, workspaceId), inArray(trainingSessions.id, [...ids])));
  }
  async standing(workspaceId: number, asOf: string, courses: readonly RequiredCourse[]): Promise<TrainingStanding> {
    if (courses.length === 0) return { required: 0, valid: 0, peopleOverdue: 0 };
    // Training's status, its digest concern and the objectives' training reading ask the same in one read unit.
    return await keptInReadUnit(
      this.s,
      `training.standing:${workspaceId}:${asOf}:${JSON.stringify(courses)}`,
      async () => await this.standingNow(workspaceId, asOf, courses),
    );
  }

  private async standingNow(workspaceId: number, asOf: string, courses: readonly RequiredCourse[]): Promise<TrainingStanding> {
    const { trainingLatest, trainingLatestDays, trainingPeople } = this.t;
    const { people, roleAssignments } = kernelTables(this.s);
    const courseRows = sql.join(
      courses.map((c) => sql`(cast(${c.id} as integer), cast(${c.countsFrom} as text), cast(${c.roles.length === 0 ? 1 : 0} as integer))`),
      sql`, `,
    );
    // Course 0 does not exist: the row keeps VALUES non-empty when no course names a role.
    const roleRows = sql.join(
      [
        sql`(cast(0 as integer), cast('' as text))`,
        ...courses.flatMap((c) => c.roles.map((role) => sql`(cast(${c.id} as integer), cast(${role} as text))`)),
      ],
      sql`, `,
    );
    // From the maintained aggregates (kept by triggers, see ./schema.ts): valid pairs of the courses for
    // everyone are a sum over a few hundred days per course (training_latest_days), the people up to date on all of them one
    // range of training_people; role courses go through their holders (few). No completion row is read and no
    // (person, course) pair list is built: a completion counts when its person's latest for the course is
    // dated countsFrom or later (completions are never dated after the workspace's today).
    const rows = await rowsOf<{ required: number; valid: number; overdue: number }>(
      this.s,
      sql`with c(course_id, counts_from, everyone) as (values ${courseRows}),
        cr(course_id, role) as (values ${roleRows}),
        np(n) as (select cast(count(*) as integer) from ${people} where workspace_id = ${workspaceId}),
        ne(n) as (select cast(count(*) as integer) from c where everyone = 1),
        holders(course_id, counts_from, person_id) as (
          select distinct c.course_id, c.counts_from, r.person_id from c join cr on cr.course_id = c.course_id
            join ${roleAssignments} r on r.workspace_id = ${workspaceId} and r.role = cr.role where c.everyone = 0
        ),
        e_valid(n) as (
          select coalesce(sum(d.people), 0) from c join ${trainingLatestDays} d on d.course_id = c.course_id and d.date >= c.counts_from
          where c.everyone = 1
        ),
        e_ok(person_id) as (
          select person_id from ${trainingPeople} where workspace_id = ${workspaceId} and courses = (select n from ne) and lapses > ${asOf}
        ),
        h_bad(person_id) as (
          select h.person_id from holders h where not exists (
            select 1 from ${trainingLatest} l where l.course_id = h.course_id and l.person_id = h.person_id and l.date >= h.counts_from
          )
        )
        select
          cast((select n from np) * (select n from ne) + (select count(*) from holders) as integer) as required,
          cast((select n from e_valid) + (select count(*) from holders) - (select count(*) from h_bad) as integer) as valid,
          cast(case when (select n from ne) > 0
            then (select n from np) - (select count(*) from e_ok)
              + (select count(distinct person_id) from h_bad where person_id in (select person_id from e_ok))
            else (select count(distinct person_id) from h_bad) end as integer) as overdue`,
    );
    const row = rows[0];
    return { required: Number(row?.required ?? 0), valid: Number(row?.valid ?? 0), peopleOverdue: Number(row?.overdue ?? 0) };
  }

  async countCompletions(workspaceId: number, days: { from?: string; before?: string }): Promise<number> {
    const { trainingCompletions: t } = this.t;
    const conditions: SQL[] = [eq(t.workspaceId, workspaceId)];
    if (days.from !== undefined) conditions.push(gte(t.date, days.from));
    if (days.before !== undefined) conditions.push(lt(t.date, days.before));
    // One range of training_completions_workspace_date_ix, counted in the database.
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(t)
        .where(and(...conditions)),
    );
    return Number(row?.n ?? 0);
  }

  async exists(workspaceId: number, fromDay?: string): Promise<boolean> {
    const { trainingCompletions: t } = this.t;
    // Since a day, along training_completions_workspace_date_ix.
    return await workspaceHasRow(
      this.s,
      t,
      t.workspaceId,
      workspaceId,
      fromDay === undefined ? undefined : { column: t.date, from: fromDay },
    );
  }
}

/** The training repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function trainingRepositories(s: StoreDb): Pick<Repositories, 'training'> {
  return { training: new TrainingStore(s) };
}

import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, qualified, type StoreDb } from '../../store/store-db.ts';
import { REVIEW_KINDS, type ReviewCompletion, type ReviewKind, type ReviewSchedule } from './domain.ts';
import type { ReviewDueCounts, ReviewRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

const toSchedule = (row: typeof sqliteTables.reviewSchedules.$inferSelect): ReviewSchedule => ({
  ...row,
  kind: row.kind as ReviewSchedule['kind'],
});

/** The review_schedules and review_completions tables, the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class ReviewStore implements ReviewRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async insert(input: Omit<ReviewSchedule, 'id'>): Promise<ReviewSchedule> {
    return toSchedule(inserted(await this.s.db.insert(this.t.reviewSchedules).values(input).returning()));
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<ReviewSchedule, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void> {
    const { reviewSchedules } = this.t;
    await this.s.db
      .update(reviewSchedules)
      .set(changes)
      .where(and(eq(reviewSchedules.workspaceId, workspaceId), eq(reviewSchedules.id, id)));
  }

  async findById(workspaceId: number, id: number): Promise<ReviewSchedule | undefined> {
    const { reviewSchedules } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(reviewSchedules)
        .where(and(eq(reviewSchedules.workspaceId, workspaceId), eq(reviewSchedules.id, id)))
        .limit(1),
    );
    return row ? toSchedule(row) : undefined;
  }

  async list(workspaceId: number, filter: { ownerPersonId?: number; aiSystemId?: number }): Promise<ReviewSchedule[]> {
    const { reviewSchedules } = this.t;
    const conditions: SQL[] = [eq(reviewSchedules.workspaceId, workspaceId)];
    if (filter.ownerPersonId) conditions.push(eq(reviewSchedules.ownerPersonId, filter.ownerPersonId));
    if (filter.aiSystemId) conditions.push(eq(reviewSchedules.aiSystemId, filter.aiSystemId));
    const rows = await this.s.db
      .select()
      .from(reviewSchedules)
      .where(and(...conditions))
      .orderBy(asc(reviewSchedules.nextDue), asc(reviewSchedules.id));
    return rows.map(toSchedule);
  }

  async exists(workspaceId: number): Promise<boolean> {
    const { reviewSchedules } = this.t;
    const rows = await this.s.db
      .select({ id: reviewSchedules.id })
      .from(reviewSchedules)
      .where(eq(reviewSchedules.workspaceId, workspaceId))
      .limit(1);
    return rows.length > 0;
  }

  async overdue(workspaceId: number, today: string, limit: number): Promise<{ count: number; first: ReviewSchedule[] }> {
    const { reviewSchedules } = this.t;
    // A range of review_schedules_workspace_due_kind_ix (workspace, next due): counted by index, the first few read.
    const where = and(eq(reviewSchedules.workspaceId, workspaceId), lt(reviewSchedules.nextDue, today));
    const counted = first(await this.s.db.select({ n: count() }).from(reviewSchedules).where(where));
    const rows = await this.s.db
      .select()
      .from(reviewSchedules)
      .where(where)
      .orderBy(asc(reviewSchedules.nextDue), asc(reviewSchedules.id))
      .limit(limit);
    return { count: Number(counted?.n ?? 0), first: rows.map(toSchedule) };
  }

  async pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<ReviewSchedule[]> {
    const { reviewSchedules } = this.t;
    const conditions: SQL[] = [eq(reviewSchedules.workspaceId, workspaceId)];
    if (afterId !== undefined) conditions.push(gt(reviewSchedules.id, afterId));
    const rows = await this.s.db
      .select()
      .from(reviewSchedules)
      .where(and(...conditions))
      .orderBy(asc(reviewSchedules.id))
      .limit(limit);
    return rows.map(toSchedule);
  }

  async completionsOf(scheduleIds: readonly number[]): Promise<ReviewCompletion[]> {
    if (scheduleIds.length === 0) return [];
    const { reviewCompletions } = this.t;
    return this.s.db
      .select()
      .from(reviewCompletions)
      .where(inArray(reviewCompletions.scheduleId, [...scheduleIds]))
      .orderBy(asc(reviewCompletions.scheduleId), desc(reviewCompletions.id));
  }

  async addCompletion(input: Omit<ReviewCompletion, 'id'>): Promise<ReviewCompletion> {
    return inserted(await this.s.db.insert(this.t.reviewCompletions).values(input).returning());
  }

  async doneSince(workspaceId: number, since: string): Promise<number> {
    const { reviewCompletions, reviewSchedules } = this.t;
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(reviewCompletions)
        .innerJoin(reviewSchedules, eq(reviewSchedules.id, reviewCompletions.scheduleId))
        .where(and(eq(reviewSchedules.workspaceId, workspaceId), gte(reviewCompletions.date, since))),
    );
    return row?.n ?? 0;
  }

  async completedCounts(workspaceId: number, days: { from?: string; before?: string }): Promise<Array<{ kind: ReviewKind; n: number }>> {
    const { reviewCompletions, reviewSchedules } = this.t;
    const conditions: SQL[] = [eq(reviewSchedules.workspaceId, workspaceId)];
    if (days.from !== undefined) conditions.push(gte(reviewCompletions.date, days.from));
    if (days.before !== undefined) conditions.push(lt(reviewCompletions.date, days.before));
    const rows = await this.s.db
      .select({ kind: reviewSchedules.kind, n: count() })
      .from(reviewCompletions)
      .innerJoin(reviewSchedules, eq(reviewSchedules.id, reviewCompletions.scheduleId))
      .where(and(...conditions))
      .groupBy(reviewSchedules.kind);
    return rows.map((row) => ({ kind: row.kind as ReviewKind, n: Number(row.n) }));
  }

  async completedKinds(workspaceId: number): Promise<Array<{ kind: ReviewSchedule['kind']; date: string }>> {
    const { reviewCompletions, reviewSchedules } = this.t;
    const rows = await this.s.db
      .select({ kind: reviewSchedules.kind, date: reviewCompletions.date })
      .from(reviewCompletions)
      .innerJoin(reviewSchedules, eq(reviewSchedules.id, reviewCompletions.scheduleId))
      .where(eq(reviewSchedules.workspaceId, workspaceId));
    return rows.map((row) => ({ kind: row.kind as ReviewSchedule['kind'], date: row.date }));
  }

  async dueCounts(workspaceId: number, today: string, weekEnd: string): Promise<ReviewDueCounts[]> {
    const { reviewSchedules } = this.t;
    const overdue = lt(reviewSchedules.nextDue, today);
    const thisWeek = gte(reviewSchedules.nextDue, today);
    // The schedules' order (next due, id) as one comparable text, so min() finds each kind's first exactly.
    const order =
      this.s.dialect === 'postgres'
        ? sql`${reviewSchedules.nextDue} || ':' || lpad(${reviewSchedules.id}::text, 12, '0')`
        : sql`${reviewSchedules.nextDue} || ':' || printf('%012d', ${reviewSchedules.id})`;
    // One range of review_schedules_workspace_due_kind_ix (workspace, next due, kind): overdue and due this week by kind.
    const rows = await this.s.db
      .select({
        kind: reviewSchedules.kind,
        overdue: sql<number>`cast(count(*) filter (where ${overdue}) as integer)`.mapWith(Number),
        dueThisWeek: sql<number>`cast(count(*) filter (where ${thisWeek}) as integer)`.mapWith(Number),
        firstOverdue: sql<string | null>`min(${order}) filter (where ${overdue})`,
        firstThisWeek: sql<string | null>`min(${order}) filter (where ${thisWeek})`,
      })
      .from(reviewSchedules)
      .where(and(eq(reviewSchedules.workspaceId, workspaceId), lte(reviewSchedules.nextDue, weekEnd)))
      .groupBy(reviewSchedules.kind);
    return rows.map((row) => ({ ...row, kind: row.kind as ReviewKind }));
  }

  async kindsDone(workspaceId: number, fromDay?: string): Promise<ReviewKind[]> {
    const { reviewSchedules, reviewCompletions } = this.t;
    // Recording a review done sets last_done in the same unit as its completion (service.ts), so a schedule with
    // one has a completion; since a day, a completion on or after it (review_completions_schedule_date_ix).
    const done =
      fromDay === undefined
        ? isNotNull(reviewSchedules.lastDone)
        : sql`exists (select 1 from ${reviewCompletions} where ${reviewCompletions.scheduleId} = ${qualified(reviewSchedules.id)} and ${gte(reviewCompletions.date, fromDay)})`;
    // Per kind, one EXISTS along review_schedules_workspace_kind_ix, stopping at the first schedule found.
    const doneOf = (kind: ReviewKind) =>
      sql<number>`case when exists (select 1 from ${reviewSchedules} where ${and(eq(reviewSchedules.workspaceId, workspaceId), eq(reviewSchedules.kind, kind), done)}) then 1 else 0 end`.mapWith(
        Number,
      );
    const row = first(
      await this.s.db.select(Object.fromEntries(REVIEW_KINDS.map((kind) => [kind, doneOf(kind)]))).from(sql`(select 1) as one`),
    );
    return REVIEW_KINDS.filter((kind) => row?.[kind] === 1);
  }

  async completions(scheduleId: number): Promise<ReviewCompletion[]> {
    const { reviewCompletions } = this.t;
    return this.s.db
      .select()
      .from(reviewCompletions)
      .where(eq(reviewCompletions.scheduleId, scheduleId))
      .orderBy(desc(reviewCompletions.id));
  }
}

/** The reviews repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function reviewRepositories(s: StoreDb): Pick<Repositories, 'reviews'> {
  return { reviews: new ReviewStore(s) };
}

import { and, asc, count, desc, eq, gte, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import type { ReviewCompletion, ReviewSchedule } from './domain.ts';
import type { ReviewRepository } from './port.ts';
import { reviewCompletions, reviewSchedules } from './schema.ts';

const toSchedule = (row: typeof reviewSchedules.$inferSelect): ReviewSchedule => ({ ...row, kind: row.kind as ReviewSchedule['kind'] });

export class SqliteReviewRepository implements ReviewRepository {
  constructor(private readonly db: Db) {}

  async insert(input: Omit<ReviewSchedule, 'id'>): Promise<ReviewSchedule> {
    return toSchedule(this.db.insert(reviewSchedules).values(input).returning().get());
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<ReviewSchedule, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void> {
    this.db
      .update(reviewSchedules)
      .set(changes)
      .where(and(eq(reviewSchedules.workspaceId, workspaceId), eq(reviewSchedules.id, id)))
      .run();
  }

  async findById(workspaceId: number, id: number): Promise<ReviewSchedule | undefined> {
    const row = this.db
      .select()
      .from(reviewSchedules)
      .where(and(eq(reviewSchedules.workspaceId, workspaceId), eq(reviewSchedules.id, id)))
      .get();
    return row ? toSchedule(row) : undefined;
  }

  async list(workspaceId: number, filter: { ownerPersonId?: number; aiSystemId?: number }): Promise<ReviewSchedule[]> {
    const conditions: SQL[] = [eq(reviewSchedules.workspaceId, workspaceId)];
    if (filter.ownerPersonId) conditions.push(eq(reviewSchedules.ownerPersonId, filter.ownerPersonId));
    if (filter.aiSystemId) conditions.push(eq(reviewSchedules.aiSystemId, filter.aiSystemId));
    return this.db
      .select()
      .from(reviewSchedules)
      .where(and(...conditions))
      .orderBy(asc(reviewSchedules.nextDue), asc(reviewSchedules.id))
      .all()
      .map(toSchedule);
  }

  async addCompletion(input: Omit<ReviewCompletion, 'id'>): Promise<ReviewCompletion> {
    return this.db.insert(reviewCompletions).values(input).returning().get();
  }

  async doneSince(workspaceId: number, since: string): Promise<number> {
    return (
      this.db
        .select({ n: count() })
        .from(reviewCompletions)
        .innerJoin(reviewSchedules, eq(reviewSchedules.id, reviewCompletions.scheduleId))
        .where(and(eq(reviewSchedules.workspaceId, workspaceId), gte(reviewCompletions.date, since)))
        .get()?.n ?? 0
    );
  }

  async completedKinds(workspaceId: number): Promise<Array<{ kind: ReviewSchedule['kind']; date: string }>> {
    return this.db
      .select({ kind: reviewSchedules.kind, date: reviewCompletions.date })
      .from(reviewCompletions)
      .innerJoin(reviewSchedules, eq(reviewSchedules.id, reviewCompletions.scheduleId))
      .where(eq(reviewSchedules.workspaceId, workspaceId))
      .all()
      .map((row) => ({ kind: row.kind as ReviewSchedule['kind'], date: row.date }));
  }

  async completions(scheduleId: number): Promise<ReviewCompletion[]> {
    return this.db
      .select()
      .from(reviewCompletions)
      .where(eq(reviewCompletions.scheduleId, scheduleId))
      .orderBy(desc(reviewCompletions.id))
      .all();
  }
}

/** The reviews repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function reviewRepositories(db: Db): Pick<Repositories, 'reviews'> {
  return { reviews: new SqliteReviewRepository(db) };
}

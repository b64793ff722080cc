import { and, asc, desc, eq, gt, inArray, max } from 'drizzle-orm';
import type { ReviewInputItem } from '../../core/management-review/review-inputs.ts';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { ManagementReview, ReviewAction, ReviewDecision } from './domain.ts';
import type { ManagementReviewRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type Row = typeof sqliteTables.managementReviews.$inferSelect;
const toReview = ({ inputs, attendees, ...row }: Row): ManagementReview => ({
  ...row,
  inputs: JSON.parse(inputs) as ReviewInputItem[],
  attendeePersonIds: JSON.parse(attendees) as number[],
});
/** Arrays are kept as JSON text (the same on both dialects). */
const toRow = <T extends Partial<ManagementReview>>({ inputs, attendeePersonIds, ...rest }: T) => ({
  ...rest,
  ...(inputs ? { inputs: JSON.stringify(inputs) } : {}),
  ...(attendeePersonIds ? { attendees: JSON.stringify(attendeePersonIds) } : {}),
});

/** The management reviews' tables (reviews, decisions, actions), the same code on SQLite and PostgreSQL. */
export class ManagementReviewStore implements ManagementReviewRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async nextNumber(workspaceId: number): Promise<number> {
    const { managementReviews: r } = this.t;
    return (
      (first(
        await this.s.db
          .select({ n: max(r.number) })
          .from(r)
          .where(eq(r.workspaceId, workspaceId)),
      )?.n ?? 0) + 1
    );
  }

  async insert(input: Omit<ManagementReview, 'id'>): Promise<ManagementReview> {
    const row = toRow(input) as typeof sqliteTables.managementReviews.$inferInsert;
    return toReview(inserted(await this.s.db.insert(this.t.managementReviews).values(row).returning()));
  }

  async update(workspaceId: number, id: number, changes: Partial<ManagementReview>): Promise<void> {
    const { managementReviews: r } = this.t;
    await this.s.db
      .update(r)
      .set(toRow(changes))
      .where(and(eq(r.workspaceId, workspaceId), eq(r.id, id)));
  }

  async findByNumber(workspaceId: number, number: number): Promise<ManagementReview | undefined> {
    const { managementReviews: r } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(r)
        .where(and(eq(r.workspaceId, workspaceId), eq(r.number, number)))
        .limit(1),
    );
    return row ? toReview(row) : undefined;
  }

  async findById(workspaceId: number, id: number): Promise<ManagementReview | undefined> {
    const { managementReviews: r } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(r)
        .where(and(eq(r.workspaceId, workspaceId), eq(r.id, id)))
        .limit(1),
    );
    return row ? toReview(row) : undefined;
  }

  async all(workspaceId: number): Promise<ManagementReview[]> {
    const { managementReviews: r } = this.t;
    return (await this.s.db.select().from(r).where(eq(r.workspaceId, workspaceId)).orderBy(desc(r.number))).map(toReview);
  }

  async pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<ManagementReview[]> {
    const { managementReviews: r } = this.t;
    return (
      await this.s.db
        .select()
        .from(r)
        .where(and(eq(r.workspaceId, workspaceId), ...(afterNumber === undefined ? [] : [gt(r.number, afterNumber)])))
        .orderBy(asc(r.number))
        .limit(limit)
    ).map(toReview);
  }

  async decisionsOf(workspaceId: number, reviewIds: readonly number[]): Promise<ReviewDecision[]> {
    if (reviewIds.length === 0) return [];
    const { managementReviewDecisions: d } = this.t;
    return await this.s.db
      .select()
      .from(d)
      .where(and(eq(d.workspaceId, workspaceId), inArray(d.reviewId, [...reviewIds])))
      .orderBy(asc(d.reviewId), asc(d.number));
  }

  async actionsOf(workspaceId: number, reviewIds: readonly number[]): Promise<ReviewAction[]> {
    if (reviewIds.length === 0) return [];
    const { managementReviewActions: a } = this.t;
    return await this.s.db
      .select()
      .from(a)
      .where(and(eq(a.workspaceId, workspaceId), inArray(a.reviewId, [...reviewIds])))
      .orderBy(asc(a.reviewId), asc(a.number));
  }

  async addDecision(input: Omit<ReviewDecision, 'id' | 'number'>): Promise<ReviewDecision> {
    const { managementReviewDecisions: d } = this.t;
    const number =
      (first(
        await this.s.db
          .select({ n: max(d.number) })
          .from(d)
          .where(eq(d.reviewId, input.reviewId)),
      )?.n ?? 0) + 1;
    return inserted(
      await this.s.db
        .insert(d)
        .values({ ...input, number })
        .returning(),
    );
  }

  async decisions(workspaceId: number, reviewId?: number): Promise<ReviewDecision[]> {
    const { managementReviewDecisions: d } = this.t;
    return await this.s.db
      .select()
      .from(d)
      .where(and(eq(d.workspaceId, workspaceId), ...(reviewId === undefined ? [] : [eq(d.reviewId, reviewId)])))
      .orderBy(asc(d.reviewId), asc(d.number));
  }

  async addAction(input: Omit<ReviewAction, 'id' | 'number'>): Promise<ReviewAction> {
    const { managementReviewActions: a } = this.t;
    const number =
      (first(
        await this.s.db
          .select({ n: max(a.number) })
          .from(a)
          .where(eq(a.reviewId, input.reviewId)),
      )?.n ?? 0) + 1;
    return inserted(
      await this.s.db
        .insert(a)
        .values({ ...input, number })
        .returning(),
    );
  }

  async actions(workspaceId: number, filter: { reviewId?: number; status?: 'open' | 'done' }): Promise<ReviewAction[]> {
    const { managementReviewActions: a } = this.t;
    return await this.s.db
      .select()
      .from(a)
      .where(
        and(
          eq(a.workspaceId, workspaceId),
          ...(filter.reviewId === undefined ? [] : [eq(a.reviewId, filter.reviewId)]),
          ...(filter.status === undefined ? [] : [eq(a.status, filter.status)]),
        ),
      )
      .orderBy(asc(a.reviewId), asc(a.number));
  }

  async markActionDone(workspaceId: number, id: number, at: string): Promise<void> {
    const { managementReviewActions: a } = this.t;
    await this.s.db
      .update(a)
      .set({ status: 'done', doneAt: at })
      .where(and(eq(a.workspaceId, workspaceId), eq(a.id, id)));
  }
}

/** The management review repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function managementReviewRepositories(s: StoreDb): Pick<Repositories, 'managementReviews'> {
  return { managementReviews: new ManagementReviewStore(s) };
}

import { and, asc, count, eq, lt, type SQL } from 'drizzle-orm';
import type { CorrectiveAction } from '../../core/incidents/incident.ts';
import type { CorrectiveActionFilter, CorrectiveActionRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { correctiveActions } from '../schema/incidents.ts';

export class SqliteCorrectiveActionRepository implements CorrectiveActionRepository {
  constructor(private readonly db: Db) {}

  insert(input: Omit<CorrectiveAction, 'id'>): CorrectiveAction {
    return this.db.insert(correctiveActions).values(input).returning().get();
  }

  findById(workspaceId: number, id: number): CorrectiveAction | undefined {
    return this.db.select().from(correctiveActions).where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.id, id))).get();
  }

  markDone(workspaceId: number, id: number, at: string): void {
    this.db.update(correctiveActions).set({ status: 'done', doneAt: at }).where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.id, id))).run();
  }

  list(workspaceId: number, filter: CorrectiveActionFilter, page: { limit: number; offset: number }): { items: CorrectiveAction[]; total: number } {
    const conditions: SQL[] = [eq(correctiveActions.workspaceId, workspaceId)];
    if (filter.ownerPersonId) conditions.push(eq(correctiveActions.ownerPersonId, filter.ownerPersonId));
    if (filter.status) conditions.push(eq(correctiveActions.status, filter.status));
    if (filter.incidentId) conditions.push(eq(correctiveActions.incidentId, filter.incidentId));
    const where = and(...conditions);
    const items = this.db.select().from(correctiveActions).where(where).orderBy(asc(correctiveActions.status), asc(correctiveActions.dueDate), asc(correctiveActions.id)).limit(page.limit).offset(page.offset).all();
    const total = this.db.select({ n: count() }).from(correctiveActions).where(where).get()?.n ?? 0;
    return { items, total };
  }

  counts(workspaceId: number, today: string): { open: number; overdue: number } {
    const open = and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.status, 'open'));
    return {
      open: this.db.select({ n: count() }).from(correctiveActions).where(open).get()?.n ?? 0,
      overdue: this.db.select({ n: count() }).from(correctiveActions).where(and(open, lt(correctiveActions.dueDate, today))).get()?.n ?? 0,
    };
  }
}

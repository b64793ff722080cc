import { and, asc, count, desc, eq, gt, inArray, lt, max, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { Harm, ImpactAssessment, ImpactStatus, Mitigation } from './domain.ts';
import type { ImpactDueRow, ImpactRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type Row = typeof sqliteTables.impactAssessments.$inferSelect;
const toAssessment = (row: Row): ImpactAssessment => ({
  ...row,
  status: row.status as ImpactStatus,
  harms: JSON.parse(row.harms) as Harm[],
  mitigations: JSON.parse(row.mitigations) as Mitigation[],
});

/** The impact_assessments table, the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class ImpactStore implements ImpactRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async insert(input: Omit<ImpactAssessment, 'id'>): Promise<ImpactAssessment> {
    const row = { ...input, harms: JSON.stringify(input.harms), mitigations: JSON.stringify(input.mitigations) };
    return toAssessment(inserted(await this.s.db.insert(this.t.impactAssessments).values(row).returning()));
  }

  async update(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<ImpactAssessment, 'status' | 'signedByPersonId' | 'signedAt' | 'supersededById' | 'updatedAt'>>,
  ): Promise<void> {
    const { impactAssessments } = this.t;
    await this.s.db
      .update(impactAssessments)
      .set(changes)
      .where(and(eq(impactAssessments.workspaceId, workspaceId), eq(impactAssessments.id, id)));
  }

  async findById(workspaceId: number, id: number): Promise<ImpactAssessment | undefined> {
    const { impactAssessments } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(impactAssessments)
        .where(and(eq(impactAssessments.workspaceId, workspaceId), eq(impactAssessments.id, id)))
        .limit(1),
    );
    return row ? toAssessment(row) : undefined;
  }

  async list(workspaceId: number, filter: { aiSystemId?: number; statuses?: readonly ImpactStatus[] }): Promise<ImpactAssessment[]> {
    const { impactAssessments } = this.t;
    const conditions: SQL[] = [eq(impactAssessments.workspaceId, workspaceId)];
    if (filter.aiSystemId) conditions.push(eq(impactAssessments.aiSystemId, filter.aiSystemId));
    if (filter.statuses) conditions.push(inArray(impactAssessments.status, [...filter.statuses]));
    const rows = await this.s.db
      .select()
      .from(impactAssessments)
      .where(and(...conditions))
      .orderBy(desc(impactAssessments.id));
    return rows.map(toAssessment);
  }

  async countByStatus(workspaceId: number, status: ImpactStatus): Promise<number> {
    const { impactAssessments } = this.t;
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(impactAssessments)
        .where(and(eq(impactAssessments.workspaceId, workspaceId), eq(impactAssessments.status, status))),
    );
    return Number(row?.n ?? 0);
  }

  async dueSummary(workspaceId: number, names: number): Promise<{ due: number; pending: number; first: ImpactDueRow[] }> {
    const { impactDue } = this.t;
    // Index-only counts on impact_due (the maintained aggregate), and the first few by name on its name index.
    const counts = first(
      await this.s.db
        .select({ due: count(), pending: count(impactDue.pendingId) })
        .from(impactDue)
        .where(eq(impactDue.workspaceId, workspaceId)),
    );
    const rows = await this.s.db
      .select()
      .from(impactDue)
      .where(eq(impactDue.workspaceId, workspaceId))
      .orderBy(asc(impactDue.nameKey), asc(impactDue.aiSystemId))
      .limit(names);
    return { due: Number(counts?.due ?? 0), pending: Number(counts?.pending ?? 0), first: rows };
  }

  async dueBefore(workspaceId: number, day: string, limit: number): Promise<{ count: number; first: ImpactDueRow[] }> {
    const { impactDue } = this.t;
    const where = and(eq(impactDue.workspaceId, workspaceId), lt(impactDue.due, day));
    const counted = first(await this.s.db.select({ n: count() }).from(impactDue).where(where));
    const rows = await this.s.db
      .select()
      .from(impactDue)
      .where(where)
      .orderBy(asc(impactDue.due), asc(impactDue.nameKey), asc(impactDue.aiSystemId))
      .limit(limit);
    return { count: Number(counted?.n ?? 0), first: rows };
  }

  async pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<ImpactAssessment[]> {
    const { impactAssessments } = this.t;
    const conditions: SQL[] = [eq(impactAssessments.workspaceId, workspaceId)];
    if (afterId !== undefined) conditions.push(gt(impactAssessments.id, afterId));
    const rows = await this.s.db
      .select()
      .from(impactAssessments)
      .where(and(...conditions))
      .orderBy(asc(impactAssessments.id))
      .limit(limit);
    return rows.map(toAssessment);
  }

  async lastVersion(workspaceId: number, aiSystemId: number): Promise<number> {
    const { impactAssessments } = this.t;
    const row = first(
      await this.s.db
        .select({ v: max(impactAssessments.version) })
        .from(impactAssessments)
        .where(and(eq(impactAssessments.workspaceId, workspaceId), eq(impactAssessments.aiSystemId, aiSystemId))),
    );
    return Number(row?.v ?? 0);
  }
}

/** The impact repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function impactRepositories(s: StoreDb): Pick<Repositories, 'impact'> {
  return { impact: new ImpactStore(s) };
}

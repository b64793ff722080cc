import { and, asc, count, desc, eq, gt, inArray, max } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { LevelThresholds, Risk, RiskAction, RiskDecision } from './domain.ts';
import type { RiskRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type Row = typeof sqliteTables.risks.$inferSelect;
const toRisk = (row: Row): Risk => ({
  ...row,
  systemIds: JSON.parse(row.systemIds) as number[],
  controls: JSON.parse(row.controls) as string[],
  category: row.category as Risk['category'],
  phase: row.phase as Risk['phase'],
  inherentLevel: row.inherentLevel as Risk['inherentLevel'],
  residualLevel: row.residualLevel as Risk['residualLevel'],
  treatment: row.treatment as Risk['treatment'],
});
/** Arrays are kept as JSON text (the same on both dialects). */
const toRow = <T extends Partial<Risk>>(risk: T) => ({
  ...risk,
  ...(risk.systemIds ? { systemIds: JSON.stringify(risk.systemIds) } : {}),
  ...(risk.controls ? { controls: JSON.stringify(risk.controls) } : {}),
});

/** The risk register's tables (risks, treatment actions, acceptances, thresholds), the same code on SQLite and PostgreSQL. */
export class RiskStore implements RiskRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async nextNumber(workspaceId: number): Promise<number> {
    const { risks } = this.t;
    return (
      (first(
        await this.s.db
          .select({ n: max(risks.number) })
          .from(risks)
          .where(eq(risks.workspaceId, workspaceId)),
      )?.n ?? 0) + 1
    );
  }

  async insert(input: Omit<Risk, 'id'>): Promise<Risk> {
    return toRisk(inserted(await this.s.db.insert(this.t.risks).values(toRow(input)).returning()));
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<Risk, 'id' | 'workspaceId' | 'number'>>): Promise<void> {
    const { risks } = this.t;
    await this.s.db
      .update(risks)
      .set(toRow(changes))
      .where(and(eq(risks.workspaceId, workspaceId), eq(risks.id, id)));
  }

  async findByNumber(workspaceId: number, number: number): Promise<Risk | undefined> {
    const { risks } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(risks)
        .where(and(eq(risks.workspaceId, workspaceId), eq(risks.number, number)))
        .limit(1),
    );
    return row ? toRisk(row) : undefined;
  }

  async findById(workspaceId: number, id: number): Promise<Risk | undefined> {
    const { risks } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(risks)
        .where(and(eq(risks.workspaceId, workspaceId), eq(risks.id, id)))
        .limit(1),
    );
    return row ? toRisk(row) : undefined;
  }

  async all(workspaceId: number): Promise<Risk[]> {
    const { risks } = this.t;
    return (await this.s.db.select().from(risks).where(eq(risks.workspaceId, workspaceId)).orderBy(desc(risks.number))).map(toRisk);
  }

  async pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<Risk[]> {
    const { risks } = this.t;
    const rows = await this.s.db
      .select()
      .from(risks)
      .where(and(eq(risks.workspaceId, workspaceId), ...(afterNumber === undefined ? [] : [gt(risks.number, afterNumber)])))
      .orderBy(asc(risks.number))
      .limit(limit);
    return rows.map(toRisk);
  }

  async openActionCounts(workspaceId: number, riskIds: readonly number[]): Promise<Map<number, number>> {
    if (riskIds.length === 0) return new Map();
    const { riskActions } = this.t;
    const rows = await this.s.db
      .select({ riskId: riskActions.riskId, n: count() })
      .from(riskActions)
      .where(and(eq(riskActions.workspaceId, workspaceId), eq(riskActions.status, 'open'), inArray(riskActions.riskId, [...riskIds])))
      .groupBy(riskActions.riskId);
    return new Map(rows.map((row) => [row.riskId, Number(row.n)]));
  }

  async addAction(input: Omit<RiskAction, 'id'>): Promise<RiskAction> {
    return inserted(await this.s.db.insert(this.t.riskActions).values(input).returning());
  }

  async actions(workspaceId: number, filter: { riskId?: number; status?: 'open' | 'done' }): Promise<RiskAction[]> {
    const { riskActions } = this.t;
    return await this.s.db
      .select()
      .from(riskActions)
      .where(
        and(
          eq(riskActions.workspaceId, workspaceId),
          ...(filter.riskId === undefined ? [] : [eq(riskActions.riskId, filter.riskId)]),
          ...(filter.status === undefined ? [] : [eq(riskActions.status, filter.status)]),
        ),
      )
      .orderBy(asc(riskActions.id));
  }

  async findAction(workspaceId: number, id: number): Promise<RiskAction | undefined> {
    const { riskActions } = this.t;
    return first(
      await this.s.db
        .select()
        .from(riskActions)
        .where(and(eq(riskActions.workspaceId, workspaceId), eq(riskActions.id, id)))
        .limit(1),
    );
  }

  async markActionDone(workspaceId: number, id: number, at: string): Promise<void> {
    const { riskActions } = this.t;
    await this.s.db
      .update(riskActions)
      .set({ status: 'done', doneAt: at })
      .where(and(eq(riskActions.workspaceId, workspaceId), eq(riskActions.id, id)));
  }

  async addDecision(input: Omit<RiskDecision, 'id'>): Promise<RiskDecision> {
    return inserted(await this.s.db.insert(this.t.riskDecisions).values(input).returning());
  }

  async decisions(riskId: number, activeOnly: boolean): Promise<RiskDecision[]> {
    const { riskDecisions } = this.t;
    const where = activeOnly ? and(eq(riskDecisions.riskId, riskId), eq(riskDecisions.active, true)) : eq(riskDecisions.riskId, riskId);
    return await this.s.db.select().from(riskDecisions).where(where).orderBy(asc(riskDecisions.id));
  }

  async dropDecisions(riskId: number): Promise<number[]> {
    const { riskDecisions } = this.t;
    const dropped = (await this.decisions(riskId, true)).map((decision) => decision.personId);
    await this.s.db
      .update(riskDecisions)
      .set({ active: false })
      .where(and(eq(riskDecisions.riskId, riskId), eq(riskDecisions.active, true)));
    return dropped;
  }

  async thresholds(workspaceId: number): Promise<LevelThresholds | undefined> {
    const { riskSettings } = this.t;
    const row = first(await this.s.db.select().from(riskSettings).where(eq(riskSettings.workspaceId, workspaceId)).limit(1));
    return row ? { mediumFrom: row.mediumFrom, highFrom: row.highFrom, criticalFrom: row.criticalFrom } : undefined;
  }

  async setThresholds(workspaceId: number, thresholds: LevelThresholds, at: string): Promise<void> {
    const { riskSettings } = this.t;
    await this.s.db
      .insert(riskSettings)
      .values({ workspaceId, ...thresholds, updatedAt: at })
      .onConflictDoUpdate({ target: riskSettings.workspaceId, set: { ...thresholds, updatedAt: at } });
  }
}

/** The risks repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function riskRepositories(s: StoreDb): Pick<Repositories, 'risks'> {
  return { risks: new RiskStore(s) };
}

import { and, asc, count, eq, gt, inArray, like, ne, sql, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { likeContains } from '../../store/repositories/like-contains.ts';
import { dialectTables, first, inserted, keptInReadUnit, periodConditions, workspaceHasRow, type StoreDb } from '../../store/store-db.ts';
import { EU_RISK_LEVELS, STAGES, type AiSystem } from './domain.ts';
import type { AiSystemCounts, AiSystemFilter, AiSystemRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

/** The ai_systems table, the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class AiSystemStore implements AiSystemRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async insert(input: Omit<AiSystem, 'id'>): Promise<AiSystem> {
    return inserted(await this.s.db.insert(this.t.aiSystems).values(input).returning());
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<AiSystem, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void> {
    const { aiSystems } = this.t;
    await this.s.db
      .update(aiSystems)
      .set(changes)
      .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.id, id)));
  }

  async findById(workspaceId: number, id: number): Promise<AiSystem | undefined> {
    const { aiSystems } = this.t;
    return first(
      await this.s.db
        .select()
        .from(aiSystems)
        .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.id, id)))
        .limit(1),
    );
  }

  async findByNameKey(workspaceId: number, nameKey: string): Promise<AiSystem | undefined> {
    const { aiSystems } = this.t;
    return first(
      await this.s.db
        .select()
        .from(aiSystems)
        .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.nameKey, nameKey)))
        .limit(1),
    );
  }

  async list(
    workspaceId: number,
    filter: AiSystemFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: AiSystem[]; total: number }> {
    const { aiSystems } = this.t;
    const conditions: SQL[] = [eq(aiSystems.workspaceId, workspaceId)];
    if (filter.stage) conditions.push(eq(aiSystems.stage, filter.stage));
    else if (!filter.includeRetired) conditions.push(ne(aiSystems.stage, 'retired'));
    if (filter.euRiskLevel) conditions.push(eq(aiSystems.euRiskLevel, filter.euRiskLevel));
    const where = and(...conditions);
    const items = await this.s.db
      .select()
      .from(aiSystems)
      .where(where)
      .orderBy(asc(aiSystems.nameKey))
      .limit(page.limit)
      .offset(page.offset);
    const total = first(await this.s.db.select({ n: count() }).from(aiSystems).where(where))?.n ?? 0;
    return { items, total };
  }

  async pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<AiSystem[]> {
    const { aiSystems } = this.t;
    const conditions: SQL[] = [eq(aiSystems.workspaceId, workspaceId), ne(aiSystems.stage, 'retired')];
    if (afterId !== undefined) conditions.push(gt(aiSystems.id, afterId));
    return await this.s.db
      .select()
      .from(aiSystems)
      .where(and(...conditions))
      .orderBy(asc(aiSystems.id))
      .limit(limit);
  }

  async findByIds(workspaceId: number, ids: readonly number[]): Promise<AiSystem[]> {
    if (ids.length === 0) return [];
    const { aiSystems } = this.t;
    return await this.s.db
      .select()
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.id, [...ids])));
  }

  async search(workspaceId: number, query: string, limit: number): Promise<AiSystem[]> {
    const { aiSystems } = this.t;
    return this.s.db
      .select()
      .from(aiSystems)
      .where(
        and(
          eq(aiSystems.workspaceId, workspaceId),
          ne(aiSystems.stage, 'retired'),
          // lower() on both sides: PostgreSQL's LIKE is case-sensitive where SQLite's is not.
          like(sql`lower(${aiSystems.nameKey})`, sql`${likeContains(query)} escape '\\'`),
        ),
      )
      .orderBy(asc(aiSystems.nameKey))
      .limit(limit);
  }

  async names(workspaceId: number): Promise<string[]> {
    const { aiSystems } = this.t;
    const rows = await this.s.db
      .select({ name: aiSystems.name })
      .from(aiSystems)
      .where(eq(aiSystems.workspaceId, workspaceId))
      .orderBy(asc(aiSystems.nameKey));
    return rows.map((row) => row.name);
  }

  async counts(workspaceId: number): Promise<AiSystemCounts> {
    // Asked by several areas' status sections in one status: read once per read unit.
    return await keptInReadUnit(this.s, `aiSystems.counts:${workspaceId}`, async () => await this.countNow(workspaceId));
  }

  async hasActive(workspaceId: number): Promise<boolean> {
    const { aiSystems } = this.t;
    const where = and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.stage, ['development', 'production']));
    return (await this.s.db.select({ id: aiSystems.id }).from(aiSystems).where(where).limit(1)).length > 0;
  }

  private async countNow(workspaceId: number): Promise<AiSystemCounts> {
    const { aiSystems } = this.t;
    const byStage = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as AiSystemCounts['byStage'];
    const byRisk = Object.fromEntries(EU_RISK_LEVELS.map((level) => [level, 0])) as AiSystemCounts['byRisk'];
    // One pass over the workspace's systems (index-only on ai_systems_workspace_stage_ix): every figure at once.
    const rows = await this.s.db
      .select({
        stage: aiSystems.stage,
        risk: aiSystems.euRiskLevel,
        n: count(),
        unowned: sql<number>`sum(case when ${aiSystems.ownerPersonId} is null then 1 else 0 end)`.mapWith(Number),
      })
      .from(aiSystems)
      .where(eq(aiSystems.workspaceId, workspaceId))
      .groupBy(aiSystems.stage, aiSystems.euRiskLevel);
    let withoutOwner = 0;
    for (const row of rows) {
      byStage[row.stage] += row.n;
      if (row.stage === 'retired') continue;
      byRisk[row.risk] += row.n;
      withoutOwner += row.unowned;
    }
    return { byStage, byRisk, withoutOwner };
  }

  async countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number> {
    const { aiSystems } = this.t;
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(aiSystems)
        .where(and(eq(aiSystems.workspaceId, workspaceId), ...periodConditions(aiSystems.createdAt, period))),
    );
    return Number(row?.n ?? 0);
  }

  async exists(workspaceId: number, from?: string): Promise<boolean> {
    const { aiSystems } = this.t;
    // Since a day, along ai_systems_workspace_created_ix.
    return await workspaceHasRow(
      this.s,
      aiSystems,
      aiSystems.workspaceId,
      workspaceId,
      from === undefined ? undefined : { column: aiSystems.createdAt, from },
    );
  }
}

/** The ai-systems repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function aiSystemRepositories(s: StoreDb): Pick<Repositories, 'aiSystems'> {
  return { aiSystems: new AiSystemStore(s) };
}

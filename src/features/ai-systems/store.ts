import { and, asc, count, eq, isNull, like, ne, sql, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import { likeContains } from '../../store/repositories/like-contains.ts';
import { EU_RISK_LEVELS, STAGES, type AiSystem } from './domain.ts';
import type { AiSystemCounts, AiSystemFilter, AiSystemRepository } from './port.ts';
import { aiSystems } from './schema.ts';

export class SqliteAiSystemRepository implements AiSystemRepository {
  constructor(private readonly db: Db) {}

  async insert(input: Omit<AiSystem, 'id'>): Promise<AiSystem> {
    return this.db.insert(aiSystems).values(input).returning().get();
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<AiSystem, 'id' | 'workspaceId' | 'createdAt'>>): Promise<void> {
    this.db
      .update(aiSystems)
      .set(changes)
      .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.id, id)))
      .run();
  }

  async findById(workspaceId: number, id: number): Promise<AiSystem | undefined> {
    return this.db
      .select()
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.id, id)))
      .get();
  }

  async findByNameKey(workspaceId: number, nameKey: string): Promise<AiSystem | undefined> {
    return this.db
      .select()
      .from(aiSystems)
      .where(and(eq(aiSystems.workspaceId, workspaceId), eq(aiSystems.nameKey, nameKey)))
      .get();
  }

  async list(
    workspaceId: number,
    filter: AiSystemFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: AiSystem[]; total: number }> {
    const conditions: SQL[] = [eq(aiSystems.workspaceId, workspaceId)];
    if (filter.stage) conditions.push(eq(aiSystems.stage, filter.stage));
    else if (!filter.includeRetired) conditions.push(ne(aiSystems.stage, 'retired'));
    if (filter.euRiskLevel) conditions.push(eq(aiSystems.euRiskLevel, filter.euRiskLevel));
    const where = and(...conditions);
    const items = this.db.select().from(aiSystems).where(where).orderBy(asc(aiSystems.nameKey)).limit(page.limit).offset(page.offset).all();
    const total = this.db.select({ n: count() }).from(aiSystems).where(where).get()?.n ?? 0;
    return { items, total };
  }

  async search(workspaceId: number, query: string, limit: number): Promise<AiSystem[]> {
    return this.db
      .select()
      .from(aiSystems)
      .where(
        and(
          eq(aiSystems.workspaceId, workspaceId),
          ne(aiSystems.stage, 'retired'),
          like(aiSystems.nameKey, sql`${likeContains(query)} escape '\\'`),
        ),
      )
      .orderBy(asc(aiSystems.nameKey))
      .limit(limit)
      .all();
  }

  async names(workspaceId: number): Promise<string[]> {
    return this.db
      .select({ name: aiSystems.name })
      .from(aiSystems)
      .where(eq(aiSystems.workspaceId, workspaceId))
      .orderBy(asc(aiSystems.nameKey))
      .all()
      .map((row) => row.name);
  }

  async counts(workspaceId: number): Promise<AiSystemCounts> {
    const byStage = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as AiSystemCounts['byStage'];
    const byRisk = Object.fromEntries(EU_RISK_LEVELS.map((level) => [level, 0])) as AiSystemCounts['byRisk'];
    const rows = this.db
      .select({ stage: aiSystems.stage, risk: aiSystems.euRiskLevel, n: count() })
      .from(aiSystems)
      .where(eq(aiSystems.workspaceId, workspaceId))
      .groupBy(aiSystems.stage, aiSystems.euRiskLevel)
      .all();
    for (const row of rows) {
      byStage[row.stage] += row.n;
      if (row.stage !== 'retired') byRisk[row.risk] += row.n;
    }
    const withoutOwner =
      this.db
        .select({ n: count() })
        .from(aiSystems)
        .where(and(eq(aiSystems.workspaceId, workspaceId), ne(aiSystems.stage, 'retired'), isNull(aiSystems.ownerPersonId)))
        .get()?.n ?? 0;
    return { byStage, byRisk, withoutOwner };
  }
}

/** The ai-systems repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function aiSystemRepositories(db: Db): Pick<Repositories, 'aiSystems'> {
  return { aiSystems: new SqliteAiSystemRepository(db) };
}

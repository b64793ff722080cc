import { and, asc, count, desc, eq, gte, inArray, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import type { AcceptanceCriterion, Release, ReleaseDecision, ReleaseMetric, ReleaseStatus } from './domain.ts';
import type { ReleaseRepository } from './port.ts';
import { acceptanceCriteria, releaseDecisions, releaseMetrics, releases } from './schema.ts';

type Row = typeof releases.$inferSelect;
const toRelease = (row: Row): Release => ({
  ...row,
  changeType: row.changeType as Release['changeType'],
});

export class SqliteReleaseRepository implements ReleaseRepository {
  constructor(private readonly db: Db) {}

  async criteria(workspaceId: number, aiSystemId: number): Promise<AcceptanceCriterion[]> {
    return this.db
      .select()
      .from(acceptanceCriteria)
      .where(and(eq(acceptanceCriteria.workspaceId, workspaceId), eq(acceptanceCriteria.aiSystemId, aiSystemId)))
      .orderBy(asc(acceptanceCriteria.id))
      .all();
  }

  async addCriterion(input: Omit<AcceptanceCriterion, 'id'>): Promise<AcceptanceCriterion> {
    return this.db.insert(acceptanceCriteria).values(input).returning().get();
  }

  async removeCriterion(workspaceId: number, id: number): Promise<boolean> {
    return (
      this.db
        .delete(acceptanceCriteria)
        .where(and(eq(acceptanceCriteria.workspaceId, workspaceId), eq(acceptanceCriteria.id, id)))
        .run().changes === 1
    );
  }

  async insert(input: Omit<Release, 'id'>): Promise<Release> {
    return toRelease(this.db.insert(releases).values(input).returning().get());
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<Release, 'id' | 'workspaceId'>>): Promise<void> {
    this.db
      .update(releases)
      .set(changes)
      .where(and(eq(releases.workspaceId, workspaceId), eq(releases.id, id)))
      .run();
  }

  async findById(workspaceId: number, id: number): Promise<Release | undefined> {
    const row = this.db
      .select()
      .from(releases)
      .where(and(eq(releases.workspaceId, workspaceId), eq(releases.id, id)))
      .get();
    return row ? toRelease(row) : undefined;
  }

  async findLive(aiSystemId: number, versionKey: string): Promise<Release | undefined> {
    const row = this.db
      .select()
      .from(releases)
      .where(
        and(eq(releases.aiSystemId, aiSystemId), eq(releases.versionKey, versionKey), inArray(releases.status, ['pending', 'approved'])),
      )
      .get();
    return row ? toRelease(row) : undefined;
  }

  async list(
    workspaceId: number,
    filter: { statuses?: readonly ReleaseStatus[]; aiSystemId?: number },
    page: { limit: number; offset: number },
  ): Promise<{ items: Release[]; total: number }> {
    const conditions: SQL[] = [eq(releases.workspaceId, workspaceId)];
    if (filter.statuses) conditions.push(inArray(releases.status, [...filter.statuses]));
    if (filter.aiSystemId) conditions.push(eq(releases.aiSystemId, filter.aiSystemId));
    const where = and(...conditions);
    const items = this.db
      .select()
      .from(releases)
      .where(where)
      .orderBy(desc(releases.id))
      .limit(page.limit)
      .offset(page.offset)
      .all()
      .map(toRelease);
    return { items, total: this.db.select({ n: count() }).from(releases).where(where).get()?.n ?? 0 };
  }

  async replaceMetrics(releaseId: number, metrics: ReleaseMetric[]): Promise<void> {
    this.db.delete(releaseMetrics).where(eq(releaseMetrics.releaseId, releaseId)).run();
    if (metrics.length > 0)
      this.db
        .insert(releaseMetrics)
        .values(metrics.map((metric) => ({ ...metric, releaseId })))
        .run();
  }

  async metrics(releaseId: number): Promise<ReleaseMetric[]> {
    return this.db
      .select({
        metric: releaseMetrics.metric,
        dataset: releaseMetrics.dataset,
        comparison: releaseMetrics.comparison,
        threshold: releaseMetrics.threshold,
        measured: releaseMetrics.measured,
        passed: releaseMetrics.passed,
      })
      .from(releaseMetrics)
      .where(eq(releaseMetrics.releaseId, releaseId))
      .orderBy(asc(releaseMetrics.id))
      .all();
  }

  async addDecision(input: Omit<ReleaseDecision, 'id'>): Promise<ReleaseDecision> {
    return this.db.insert(releaseDecisions).values(input).returning().get();
  }

  async decisions(releaseId: number, activeOnly: boolean): Promise<ReleaseDecision[]> {
    const where = activeOnly
      ? and(eq(releaseDecisions.releaseId, releaseId), eq(releaseDecisions.active, true))
      : eq(releaseDecisions.releaseId, releaseId);
    return this.db.select().from(releaseDecisions).where(where).orderBy(asc(releaseDecisions.id)).all();
  }

  async dropDecisions(releaseId: number): Promise<number[]> {
    const dropped = (await this.decisions(releaseId, true)).map((decision) => decision.personId);
    this.db
      .update(releaseDecisions)
      .set({ active: false })
      .where(and(eq(releaseDecisions.releaseId, releaseId), eq(releaseDecisions.active, true)))
      .run();
    return dropped;
  }

  async decidedSince(workspaceId: number, since: string): Promise<{ approved: number; rejected: number }> {
    const countOf = (status: ReleaseStatus) =>
      this.db
        .select({ n: count() })
        .from(releases)
        .where(and(eq(releases.workspaceId, workspaceId), eq(releases.status, status), gte(releases.decidedAt, since)))
        .get()?.n ?? 0;
    return { approved: countOf('approved'), rejected: countOf('rejected') };
  }
}

/** The releases repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function releaseRepositories(db: Db): Pick<Repositories, 'releases'> {
  return { releases: new SqliteReleaseRepository(db) };
}

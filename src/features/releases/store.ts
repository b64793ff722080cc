import { and, asc, count, desc, eq, gt, gte, inArray, ne, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { tables as kernelTables } from '../../store/repositories/kernel-tables.ts';
import {
  changedRows,
  dialectTables,
  first,
  inserted,
  periodConditions,
  qualified,
  rowsOf,
  runPrepared,
  type StoreDb,
} from '../../store/store-db.ts';
import type { AcceptanceCriterion, Release, ReleaseDecision, ReleaseMetric, ReleaseStatus } from './domain.ts';
import type { ReleaseOverview, ReleaseRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type Row = typeof sqliteTables.releases.$inferSelect;
const toRelease = (row: Row): Release => ({
  ...row,
  changeType: row.changeType as Release['changeType'],
});

/** The release tables (criteria, requests, metrics, decisions), the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class ReleaseStore implements ReleaseRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async evidenceCounts(
    workspaceId: number,
    period: { from?: string; to?: string },
  ): Promise<{ release: number; evaluation: number; criteria: number }> {
    const { releases, releaseMetrics, acceptanceCriteria } = this.t;
    const inReleases = and(eq(releases.workspaceId, workspaceId), ...periodConditions(releases.createdAt, period));
    const inCriteria = and(eq(acceptanceCriteria.workspaceId, workspaceId), ...periodConditions(acceptanceCriteria.createdAt, period));
    // One statement: releases of the period, those with evaluation results (a link or measured values), criteria recorded.
    const rows = await rowsOf<{ release: number; evaluation: number; criteria: number }>(
      this.s,
      sql`select
        (select count(*) from ${releases} where ${inReleases}) as release,
        (select count(*) from ${releases} where ${inReleases} and (${releases.evaluationLink} is not null
          or exists (select 1 from ${releaseMetrics} where ${releaseMetrics.releaseId} = ${qualified(releases.id)}))) as evaluation,
        (select count(*) from ${acceptanceCriteria} where ${inCriteria}) as criteria`,
    );
    const row = rows[0];
    return { release: Number(row?.release ?? 0), evaluation: Number(row?.evaluation ?? 0), criteria: Number(row?.criteria ?? 0) };
  }

  async criteria(workspaceId: number, aiSystemId: number): Promise<AcceptanceCriterion[]> {
    const { acceptanceCriteria } = this.t;
    return this.s.db
      .select()
      .from(acceptanceCriteria)
      .where(and(eq(acceptanceCriteria.workspaceId, workspaceId), eq(acceptanceCriteria.aiSystemId, aiSystemId)))
      .orderBy(asc(acceptanceCriteria.id));
  }

  async criteriaOf(workspaceId: number, aiSystemIds: readonly number[]): Promise<AcceptanceCriterion[]> {
    if (aiSystemIds.length === 0) return [];
    const { acceptanceCriteria } = this.t;
    return this.s.db
      .select()
      .from(acceptanceCriteria)
      .where(and(eq(acceptanceCriteria.workspaceId, workspaceId), inArray(acceptanceCriteria.aiSystemId, [...aiSystemIds])))
      .orderBy(asc(acceptanceCriteria.id));
  }

  async addCriterion(input: Omit<AcceptanceCriterion, 'id'>): Promise<AcceptanceCriterion> {
    return inserted(await this.s.db.insert(this.t.acceptanceCriteria).values(input).returning());
  }

  async removeCriterion(workspaceId: number, id: number): Promise<boolean> {
    const { acceptanceCriteria } = this.t;
    const result = await this.s.db
      .delete(acceptanceCriteria)
      .where(and(eq(acceptanceCriteria.workspaceId, workspaceId), eq(acceptanceCriteria.id, id)));
    return changedRows(result) === 1;
  }

  async insert(input: Omit<Release, 'id'>): Promise<Release> {
    return toRelease(inserted(await this.s.db.insert(this.t.releases).values(input).returning()));
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<Release, 'id' | 'workspaceId'>>): Promise<void> {
    const { releases } = this.t;
    await this.s.db
      .update(releases)
      .set(changes)
      .where(and(eq(releases.workspaceId, workspaceId), eq(releases.id, id)));
  }

  async findById(workspaceId: number, id: number): Promise<Release | undefined> {
    const { releases } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(releases)
        .where(and(eq(releases.workspaceId, workspaceId), eq(releases.id, id)))
        .limit(1),
    );
    return row ? toRelease(row) : undefined;
  }

  async findLive(aiSystemId: number, versionKey: string): Promise<Release | undefined> {
    const { releases } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(releases)
        .where(
          and(eq(releases.aiSystemId, aiSystemId), eq(releases.versionKey, versionKey), inArray(releases.status, ['pending', 'approved'])),
        )
        .limit(1),
    );
    return row ? toRelease(row) : undefined;
  }

  async list(
    workspaceId: number,
    filter: { statuses?: readonly ReleaseStatus[]; aiSystemId?: number },
    page: { limit: number; offset: number },
  ): Promise<{ items: Release[]; total: number }> {
    const { releases } = this.t;
    const conditions: SQL[] = [eq(releases.workspaceId, workspaceId)];
    if (filter.statuses) conditions.push(inArray(releases.status, [...filter.statuses]));
    if (filter.aiSystemId) conditions.push(eq(releases.aiSystemId, filter.aiSystemId));
    const where = and(...conditions);
    const rows = await this.s.db.select().from(releases).where(where).orderBy(desc(releases.id)).limit(page.limit).offset(page.offset);
    const total = first(await this.s.db.select({ n: count() }).from(releases).where(where))?.n ?? 0;
    return { items: rows.map(toRelease), total };
  }

  async pageById(workspaceId: number, afterId: number | undefined, limit: number): Promise<Release[]> {
    const { releases } = this.t;
    const conditions: SQL[] = [eq(releases.workspaceId, workspaceId)];
    if (afterId !== undefined) conditions.push(gt(releases.id, afterId));
    const rows = await this.s.db
      .select()
      .from(releases)
      .where(and(...conditions))
      .orderBy(asc(releases.id))
      .limit(limit);
    return rows.map(toRelease);
  }

  async metricsOf(releaseIds: readonly number[]): Promise<Array<ReleaseMetric & { releaseId: number }>> {
    if (releaseIds.length === 0) return [];
    const { releaseMetrics } = this.t;
    return this.s.db
      .select({
        releaseId: releaseMetrics.releaseId,
        metric: releaseMetrics.metric,
        dataset: releaseMetrics.dataset,
        comparison: releaseMetrics.comparison,
        threshold: releaseMetrics.threshold,
        measured: releaseMetrics.measured,
        passed: releaseMetrics.passed,
      })
      .from(releaseMetrics)
      .where(inArray(releaseMetrics.releaseId, [...releaseIds]))
      .orderBy(asc(releaseMetrics.releaseId), asc(releaseMetrics.id));
  }

  async decisionsOf(releaseIds: readonly number[]): Promise<ReleaseDecision[]> {
    if (releaseIds.length === 0) return [];
    const { releaseDecisions } = this.t;
    return this.s.db
      .select()
      .from(releaseDecisions)
      .where(inArray(releaseDecisions.releaseId, [...releaseIds]))
      .orderBy(asc(releaseDecisions.releaseId), asc(releaseDecisions.id));
  }

  async replaceMetrics(releaseId: number, metrics: ReleaseMetric[]): Promise<void> {
    const { releaseMetrics } = this.t;
    await this.s.db.delete(releaseMetrics).where(eq(releaseMetrics.releaseId, releaseId));
    if (metrics.length > 0) await this.s.db.insert(releaseMetrics).values(metrics.map((metric) => ({ ...metric, releaseId })));
  }

  async metrics(releaseId: number): Promise<ReleaseMetric[]> {
    return (await this.metricsOf([releaseId])).map((m) => ({
      metric: m.metric,
      dataset: m.dataset,
      comparison: m.comparison,
      threshold: m.threshold,
      measured: m.measured,
      passed: m.passed,
    }));
  }

  async addDecision(input: Omit<ReleaseDecision, 'id'>): Promise<ReleaseDecision> {
    return inserted(await this.s.db.insert(this.t.releaseDecisions).values(input).returning());
  }

  async decisions(releaseId: number, activeOnly: boolean): Promise<ReleaseDecision[]> {
    const { releaseDecisions } = this.t;
    const where = activeOnly
      ? and(eq(releaseDecisions.releaseId, releaseId), eq(releaseDecisions.active, true))
      : eq(releaseDecisions.releaseId, releaseId);
    return this.s.db.select().from(releaseDecisions).where(where).orderBy(asc(releaseDecisions.id));
  }

  async dropDecisions(releaseId: number): Promise<number[]> {
    const { releaseDecisions } = this.t;
    const dropped = (await this.decisions(releaseId, true)).map((decision) => decision.personId);
    await this.s.db
      .update(releaseDecisions)
      .set({ active: false })
      .where(and(eq(releaseDecisions.releaseId, releaseId), eq(releaseDecisions.active, true)));
    return dropped;
  }

  async decidedSince(workspaceId: number, since: string): Promise<{ approved: number; rejected: number }> {
    const { approved, rejected } = await this.overview(workspaceId, since);
    return { approved, rejected };
  }

  async overview(workspaceId: number, since: string): Promise<ReleaseOverview> {
    const { releases } = this.t;
    const countOf = (where: SQL) => sql<number>`cast(count(*) filter (where ${where}) as integer)`.mapWith(Number);
    // One statement: the decisions since (releases_workspace_decided_ix) and the pending total (releases_workspace_status_ix).
    const row = first(
      await this.s.db
        .select({
          approved: countOf(eq(releases.status, 'approved')),
          rejected: countOf(eq(releases.status, 'rejected')),
          firstDecidedSince: sql<string | null>`min(${releases.decidedAt})`,
          pending:
            sql<number>`cast((select count(*) from ${releases} where ${and(eq(releases.workspaceId, workspaceId), eq(releases.status, 'pending'))}) as integer)`.mapWith(
              Number,
            ),
        })
        .from(releases)
        .where(
          and(eq(releases.workspaceId, workspaceId), gte(releases.decidedAt, since), inArray(releases.status, ['approved', 'rejected'])),
        ),
    );
    return {
      approved: row?.approved ?? 0,
      rejected: row?.rejected ?? 0,
      firstDecidedSince: row?.firstDecidedSince ?? null,
      pending: row?.pending ?? 0,
    };
  }

  async oldestPending(workspaceId: number, limit: number): Promise<Array<Pick<Release, 'id' | 'aiSystemId' | 'version' | 'createdAt'>>> {
    const { releases } = this.t;
    return await this.s.db
      .select({ id: releases.id, aiSystemId: releases.aiSystemId, version: releases.version, createdAt: releases.createdAt })
      .from(releases)
      .where(and(eq(releases.workspaceId, workspaceId), eq(releases.status, 'pending')))
      .orderBy(asc(releases.createdAt), asc(releases.id))
      .limit(limit);
  }

  async waitingOn(workspaceId: number, personId: number): Promise<number | null> {
    const { releases, releaseDecisions } = this.t;
    const { roleAssignments } = kernelTables(this.s);
    // The literal the partial index release_decisions_person_active_uq was declared with, so the planner uses it.
    const active = sql`${releaseDecisions.active} = ${sql.raw(this.s.dialect === 'postgres' ? 'true' : '1')}`;
    const decided = (person: Placeholder) =>
      sql`select 1 from ${releaseDecisions} where ${releaseDecisions.releaseId} = ${releases.id} and ${releaseDecisions.personId} = ${person} and ${active}`;
    const approver = (p: { workspaceId: Placeholder; personId: Placeholder }) =>
      sql`select 1 from ${roleAssignments} where ${and(eq(roleAssignments.workspaceId, p.workspaceId), eq(roleAssignments.personId, p.personId), eq(roleAssignments.role, 'approver'))}`;
    // One statement: null unless the person holds the approver role, else the pending requests they could decide.
    // Read on every status an approver asks for: prepared once (SQLite) or as a named statement (PostgreSQL).
    const placeholders = { workspaceId: sql.placeholder('workspaceId'), personId: sql.placeholder('personId') };
    const rows = await runPrepared<{ n: number | null }>(
      this.s,
      'releases_waiting_on',
      () =>
        this.s.db
          .select({ n: sql<number | null>`case when exists (${approver(placeholders)}) then cast(count(*) as integer) end` })
          .from(releases)
          .where(
            and(
              eq(releases.workspaceId, placeholders.workspaceId),
              eq(releases.status, 'pending'),
              ne(releases.requesterPersonId, placeholders.personId),
              sql`not exists (${decided(placeholders.personId)})`,
            ),
          ),
      { workspaceId, personId },
    );
    const row = first(rows);
    return row?.n === null || row?.n === undefined ? null : Number(row.n);
  }

  async evidencePresent(workspaceId: number, from?: string): Promise<{ release: boolean; evaluation: boolean; criteria: boolean }> {
    const { releases, releaseMetrics, acceptanceCriteria } = this.t;
    const inWorkspace = eq(releases.workspaceId, workspaceId);
    const evaluated = sql`(${releases.evaluationLink} is not null or exists (select 1 from ${releaseMetrics} where ${releaseMetrics.releaseId} = ${qualified(releases.id)}))`;
    if (from !== undefined) {
      // The same records as evidenceCounts with { from } counts: the newest of each kind's instant, each read
      // from the end of its index (releases_workspace_created_ix; the newest with evaluation results is usually
      // the first looked at), then compared. An EXISTS over the period would let PostgreSQL scan the table from
      // its oldest rows.
      const row = first(
        await this.s.db
          .select({
            release: sql<string | null>`(select max(${releases.createdAt}) from ${releases} where ${inWorkspace})`,
            evaluation: sql<
              string | null
            >`(select ${releases.createdAt} from ${releases} where ${inWorkspace} and ${evaluated} order by ${releases.createdAt} desc limit 1)`,
            criteria: sql<
              string | null
            >`(select max(${acceptanceCriteria.createdAt}) from ${acceptanceCriteria} where ${eq(acceptanceCriteria.workspaceId, workspaceId)})`,
          })
          .from(sql`(select 1) as one`),
      );
      const since = (at: string | null | undefined) => at !== null && at !== undefined && at >= from;
      return { release: since(row?.release), evaluation: since(row?.evaluation), criteria: since(row?.criteria) };
    }
    const any = (query: SQL) => sql<number>`case when exists (${query}) then 1 else 0 end`.mapWith(Number);
    const row = first(
      await this.s.db
        .select({
          release: any(sql`select 1 from ${releases} where ${inWorkspace}`),
          evaluation: any(sql`select 1 from ${releases} where ${inWorkspace} and ${evaluated}`),
          criteria: any(sql`select 1 from ${acceptanceCriteria} where ${eq(acceptanceCriteria.workspaceId, workspaceId)}`),
        })
        .from(sql`(select 1) as one`),
    );
    return { release: row?.release === 1, evaluation: row?.evaluation === 1, criteria: row?.criteria === 1 };
  }
}

/** The releases repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function releaseRepositories(s: StoreDb): Pick<Repositories, 'releases'> {
  return { releases: new ReleaseStore(s) };
}

import { and, count, desc, eq, gt, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { JobDelivery, JobRun } from '../../core/scheduling/job-ledger.ts';
import type { JobRepository } from '../../core/ports.ts';
import { changedRows, first, type StoreDb } from '../store-db.ts';
import { inserted, tables } from './kernel-tables.ts';

export class JobStore implements JobRepository {
  constructor(private readonly s: StoreDb) {}

  async findRun(job: string, period: string, workspaceId: number): Promise<JobRun | undefined> {
    const { jobRuns } = tables(this.s);
    return first(
      await this.s.db
        .select()
        .from(jobRuns)
        .where(and(eq(jobRuns.job, job), eq(jobRuns.period, period), eq(jobRuns.workspaceId, workspaceId)))
        .limit(1),
    );
  }

  async insertRun(input: Omit<JobRun, 'id'>): Promise<JobRun> {
    const { jobRuns } = tables(this.s);
    return inserted(await this.s.db.insert(jobRuns).values(input).returning(), 'job_runs');
  }

  async finishRun(id: number, at: string): Promise<void> {
    const { jobRuns } = tables(this.s);
    await this.s.db.update(jobRuns).set({ finishedAt: at }).where(eq(jobRuns.id, id));
  }

  async findDelivery(runId: number, recipient: string): Promise<JobDelivery | undefined> {
    const { jobDeliveries } = tables(this.s);
    return first(
      await this.s.db
        .select()
        .from(jobDeliveries)
        .where(and(eq(jobDeliveries.runId, runId), eq(jobDeliveries.recipient, recipient)))
        .limit(1),
    );
  }

  async insertDelivery(input: Omit<JobDelivery, 'id'>): Promise<JobDelivery> {
    const { jobDeliveries } = tables(this.s);
    return inserted(await this.s.db.insert(jobDeliveries).values(input).returning(), 'job_deliveries');
  }

  async findDeliveries(runId: number, recipients: readonly string[]): Promise<JobDelivery[]> {
    if (recipients.length === 0) return [];
    const { jobDeliveries } = tables(this.s);
    return await this.s.db
      .select()
      .from(jobDeliveries)
      .where(and(eq(jobDeliveries.runId, runId), inArray(jobDeliveries.recipient, [...recipients])));
  }

  async insertDeliveries(inputs: ReadonlyArray<Omit<JobDelivery, 'id'>>): Promise<JobDelivery[]> {
    if (inputs.length === 0) return [];
    const { jobDeliveries } = tables(this.s);
    const rows = await this.s.db
      .insert(jobDeliveries)
      .values([...inputs])
      .returning();
    if (rows.length !== inputs.length) throw new Error(`inserting ${inputs.length} job_deliveries returned ${rows.length} rows`);
    return rows;
  }

  async takeDeliveries(ids: readonly number[], now: string, staleBefore: string): Promise<number[]> {
    if (ids.length === 0) return [];
    const { jobDeliveries } = tables(this.s);
    const rows = await this.s.db
      .update(jobDeliveries)
      .set({ status: 'sending', attempts: sql`${jobDeliveries.attempts} + 1`, takenAt: now })
      .where(and(inArray(jobDeliveries.id, [...ids]), this.takeable(staleBefore)))
      .returning({ id: jobDeliveries.id });
    return rows.map((row) => row.id);
  }

  /** Takeable: pending or failed, or left "sending" (by a process that died before settling it) since before `staleBefore`. */
  private takeable(staleBefore: string): SQL | undefined {
    const { jobDeliveries } = tables(this.s);
    return or(
      inArray(jobDeliveries.status, ['pending', 'failed']),
      and(eq(jobDeliveries.status, 'sending'), lt(jobDeliveries.takenAt, staleBefore)),
    );
  }

  async takeDelivery(id: number, now: string, staleBefore: string): Promise<boolean> {
    const { jobDeliveries } = tables(this.s);
    // A message left "sending" by a process that died before settling it is taken again once stale:
    // after a crash the rest is sent (at least once for the one in flight, exactly once for the others).
    const result = await this.s.db
      .update(jobDeliveries)
      .set({ status: 'sending', attempts: sql`${jobDeliveries.attempts} + 1`, takenAt: now })
      .where(and(eq(jobDeliveries.id, id), this.takeable(staleBefore)));
    return changedRows(result) === 1;
  }

  async settleDelivery(id: number, status: 'sent' | 'failed', error: string | null, sentAt: string | null): Promise<void> {
    const { jobDeliveries } = tables(this.s);
    await this.s.db.update(jobDeliveries).set({ status, lastError: error, sentAt }).where(eq(jobDeliveries.id, id));
  }

  async markSuperseded(id: number): Promise<void> {
    const { jobDeliveries } = tables(this.s);
    await this.s.db.update(jobDeliveries).set({ status: 'superseded' }).where(eq(jobDeliveries.id, id));
  }

  async failedDeliveries(job: string, workspaceId: number): Promise<Array<JobDelivery & { period: string }>> {
    const { jobDeliveries, jobRuns } = tables(this.s);
    const rows = await this.s.db
      .select({ delivery: jobDeliveries, period: jobRuns.period })
      .from(jobDeliveries)
      .innerJoin(jobRuns, eq(jobRuns.id, jobDeliveries.runId))
      .where(and(eq(jobRuns.job, job), eq(jobRuns.workspaceId, workspaceId), eq(jobDeliveries.status, 'failed')));
    return rows.map((row) => ({ ...row.delivery, period: row.period }));
  }

  async recentRuns(limit: number): Promise<Array<JobRun & { sent: number; failed: number }>> {
    const { jobDeliveries, jobRuns } = tables(this.s);
    const runs = await this.s.db.select().from(jobRuns).orderBy(desc(jobRuns.id)).limit(limit);
    if (runs.length === 0) return [];
    // One grouped count for all the runs, not two queries per run.
    const counts = await this.s.db
      .select({ runId: jobDeliveries.runId, status: jobDeliveries.status, n: count() })
      .from(jobDeliveries)
      .where(
        and(
          inArray(
            jobDeliveries.runId,
            runs.map((run) => run.id),
          ),
          inArray(jobDeliveries.status, ['sent', 'failed']),
        ),
      )
      .groupBy(jobDeliveries.runId, jobDeliveries.status);
    const countOf = (runId: number, status: 'sent' | 'failed') =>
      counts.find((row) => row.runId === runId && row.status === status)?.n ?? 0;
    return runs.map((run) => ({ ...run, sent: countOf(run.id, 'sent'), failed: countOf(run.id, 'failed') }));
  }

  async snoozed(workspaceId: number, personId: number, today: string): Promise<Set<string>> {
    const { itemSnoozes } = tables(this.s);
    const rows = await this.s.db
      .select({ itemKey: itemSnoozes.itemKey })
      .from(itemSnoozes)
      .where(and(eq(itemSnoozes.workspaceId, workspaceId), eq(itemSnoozes.personId, personId), gt(itemSnoozes.until, today)));
    return new Set(rows.map((row) => row.itemKey));
  }

  async snoozedOf(workspaceId: number, personIds: readonly number[], today: string): Promise<Map<number, Set<string>>> {
    const byPerson = new Map<number, Set<string>>();
    if (personIds.length === 0) return byPerson;
    const { itemSnoozes } = tables(this.s);
    const rows = await this.s.db
      .select({ personId: itemSnoozes.personId, itemKey: itemSnoozes.itemKey })
      .from(itemSnoozes)
      .where(and(eq(itemSnoozes.workspaceId, workspaceId), inArray(itemSnoozes.personId, [...personIds]), gt(itemSnoozes.until, today)));
    for (const row of rows) byPerson.set(row.personId, (byPerson.get(row.personId) ?? new Set()).add(row.itemKey));
    return byPerson;
  }

  async snooze(input: {
    workspaceId: number;
    personId: number;
    itemKey: string;
    until: string;
    reason: string | null;
    createdAt: string;
  }): Promise<void> {
    const { itemSnoozes } = tables(this.s);
    await this.s.db
      .insert(itemSnoozes)
      .values(input)
      .onConflictDoUpdate({
        target: [itemSnoozes.personId, itemSnoozes.itemKey],
        set: { until: input.until, reason: input.reason, createdAt: input.createdAt },
      });
  }

  async countSent(job: string, workspaceId: number, period: { from?: string; to?: string }): Promise<number> {
    const { jobDeliveries, jobRuns } = tables(this.s);
    const conditions: SQL[] = [eq(jobRuns.job, job), eq(jobRuns.workspaceId, workspaceId), eq(jobDeliveries.status, 'sent')];
    if (period.from !== undefined) conditions.push(gte(jobDeliveries.sentAt, period.from));
    if (period.to !== undefined) conditions.push(lt(jobDeliveries.sentAt, period.to));
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(jobDeliveries)
        .innerJoin(jobRuns, eq(jobRuns.id, jobDeliveries.runId))
        .where(and(...conditions)),
    );
    return row?.n ?? 0;
  }

  async lastRun(job: string, workspaceId: number): Promise<JobRun | undefined> {
    const { jobRuns } = tables(this.s);
    return first(
      await this.s.db
        .select()
        .from(jobRuns)
        .where(and(eq(jobRuns.job, job), eq(jobRuns.workspaceId, workspaceId)))
        .orderBy(desc(jobRuns.id))
        .limit(1),
    );
  }
}

import { and, desc, eq, gt, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { JobDelivery, JobRun } from '../../core/scheduling/job-ledger.ts';
import type { JobRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { itemSnoozes, jobDeliveries, jobRuns } from '../schema/jobs.ts';

export class SqliteJobRepository implements JobRepository {
  constructor(private readonly db: Db) {}

  async findRun(job: string, period: string, workspaceId: number): Promise<JobRun | undefined> {
    return this.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.job, job), eq(jobRuns.period, period), eq(jobRuns.workspaceId, workspaceId)))
      .get();
  }

  async insertRun(input: Omit<JobRun, 'id'>): Promise<JobRun> {
    return this.db.insert(jobRuns).values(input).returning().get();
  }

  async finishRun(id: number, at: string): Promise<void> {
    this.db.update(jobRuns).set({ finishedAt: at }).where(eq(jobRuns.id, id)).run();
  }

  async findDelivery(runId: number, recipient: string): Promise<JobDelivery | undefined> {
    return this.db
      .select()
      .from(jobDeliveries)
      .where(and(eq(jobDeliveries.runId, runId), eq(jobDeliveries.recipient, recipient)))
      .get();
  }

  async insertDelivery(input: Omit<JobDelivery, 'id'>): Promise<JobDelivery> {
    return this.db.insert(jobDeliveries).values(input).returning().get();
  }

  async takeDelivery(id: number, now: string, staleBefore: string): Promise<boolean> {
    // A message left "sending" by a process that died before settling it is taken again once stale:
    // after a crash the rest is sent (at least once for the one in flight, exactly once for the others).
    const takeable = or(
      inArray(jobDeliveries.status, ['pending', 'failed']),
      and(eq(jobDeliveries.status, 'sending'), lt(jobDeliveries.takenAt, staleBefore)),
    );
    const result = this.db
      .update(jobDeliveries)
      .set({ status: 'sending', attempts: sql`${jobDeliveries.attempts} + 1`, takenAt: now })
      .where(and(eq(jobDeliveries.id, id), takeable))
      .run();
    return result.changes === 1;
  }

  async settleDelivery(id: number, status: 'sent' | 'failed', error: string | null, sentAt: string | null): Promise<void> {
    this.db.update(jobDeliveries).set({ status, lastError: error, sentAt }).where(eq(jobDeliveries.id, id)).run();
  }

  async markSuperseded(id: number): Promise<void> {
    this.db.update(jobDeliveries).set({ status: 'superseded' }).where(eq(jobDeliveries.id, id)).run();
  }

  async failedDeliveries(job: string, workspaceId: number): Promise<Array<JobDelivery & { period: string }>> {
    return this.db
      .select({ delivery: jobDeliveries, period: jobRuns.period })
      .from(jobDeliveries)
      .innerJoin(jobRuns, eq(jobRuns.id, jobDeliveries.runId))
      .where(and(eq(jobRuns.job, job), eq(jobRuns.workspaceId, workspaceId), eq(jobDeliveries.status, 'failed')))
      .all()
      .map((row) => ({ ...row.delivery, period: row.period }));
  }

  async recentRuns(limit: number): Promise<Array<JobRun & { sent: number; failed: number }>> {
    const runs = this.db.select().from(jobRuns).orderBy(desc(jobRuns.id)).limit(limit).all();
    return runs.map((run) => {
      const counts = (status: 'sent' | 'failed') =>
        this.db
          .select({ n: sql<number>`count(*)` })
          .from(jobDeliveries)
          .where(and(eq(jobDeliveries.runId, run.id), eq(jobDeliveries.status, status)))
          .get()?.n ?? 0;
      return { ...run, sent: counts('sent'), failed: counts('failed') };
    });
  }

  async snoozed(workspaceId: number, personId: number, today: string): Promise<Set<string>> {
    const rows = this.db
      .select({ itemKey: itemSnoozes.itemKey })
      .from(itemSnoozes)
      .where(and(eq(itemSnoozes.workspaceId, workspaceId), eq(itemSnoozes.personId, personId), gt(itemSnoozes.until, today)))
      .all();
    return new Set(rows.map((row) => row.itemKey));
  }

  async snooze(input: {
    workspaceId: number;
    personId: number;
    itemKey: string;
    until: string;
    reason: string | null;
    createdAt: string;
  }): Promise<void> {
    this.db
      .insert(itemSnoozes)
      .values(input)
      .onConflictDoUpdate({
        target: [itemSnoozes.personId, itemSnoozes.itemKey],
        set: { until: input.until, reason: input.reason, createdAt: input.createdAt },
      })
      .run();
  }

  async countSent(job: string, workspaceId: number, period: { from?: string; to?: string }): Promise<number> {
    const conditions: SQL[] = [eq(jobRuns.job, job), eq(jobRuns.workspaceId, workspaceId), eq(jobDeliveries.status, 'sent')];
    if (period.from !== undefined) conditions.push(gte(jobDeliveries.sentAt, period.from));
    if (period.to !== undefined) conditions.push(lt(jobDeliveries.sentAt, period.to));
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(jobDeliveries)
        .innerJoin(jobRuns, eq(jobRuns.id, jobDeliveries.runId))
        .where(and(...conditions))
        .get()?.n ?? 0
    );
  }

  async lastRun(job: string, workspaceId: number): Promise<JobRun | undefined> {
    return this.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.job, job), eq(jobRuns.workspaceId, workspaceId)))
      .orderBy(desc(jobRuns.id))
      .limit(1)
      .get();
  }
}

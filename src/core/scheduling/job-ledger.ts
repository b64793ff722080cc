import type { Clock } from '../clock.ts';
import type { UnitOfWork } from '../ports.ts';

export interface JobRun {
  id: number;
  job: string;
  period: string;
  workspaceId: number;
  claimedAt: string;
  finishedAt: string | null;
}

export interface JobDelivery {
  id: number;
  runId: number;
  recipient: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'superseded';
  attempts: number;
  lastError: string | null;
  summary: string;
  takenAt: string | null;
  sentAt: string | null;
}

/** A message "sending" for longer than this was left by a process that died; it is taken again. */
export const STALE_SENDING_MS = 10 * 60_000;

/**
 * Exactly-once bookkeeping for scheduled jobs: a run is claimed per (job, period, workspace) before
 * anything is sent, and each message is taken by one process (pending|failed -> sending) before it
 * goes out. A failed message stays failed and is sent by the next run; a sent one never again.
 */
export class JobLedger {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The run of this period (claimed now, or earlier by another process or run). */
  async claimRun(job: string, period: string, workspaceId: number): Promise<{ run: JobRun; fresh: boolean }> {
    const at = this.clock.now().toISOString();
    return await this.store.write(async (repos) => {
      const existing = await repos.jobs.findRun(job, period, workspaceId);
      if (existing) return { run: existing, fresh: false };
      const run = await repos.jobs.insertRun({ job, period, workspaceId, claimedAt: at, finishedAt: null });
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system:jobs',
          action: 'job.claimed',
          subject: `job:${job}:${period}`,
          before: null,
          after: { runId: run.id },
        },
        at,
      );
      return { run, fresh: true };
    });
  }

  /** Takes a message for sending; false when it was sent already or another process is sending it. */
  async takeDelivery(runId: number, recipient: string, summary: string): Promise<JobDelivery | undefined> {
    return (await this.takeDeliveries(runId, [{ recipient, summary }]))[0];
  }

  /**
   * Takes several messages of a run for sending in one write unit (a sweep's batch): the ones returned
   * are this process's to send, each settled on its own after its send; the others were sent already or
   * are being sent by another process. A batch taken by a process that dies is taken again once stale.
   */
  async takeDeliveries(runId: number, messages: ReadonlyArray<{ recipient: string; summary: string }>): Promise<JobDelivery[]> {
    const now = this.clock.now();
    const staleBefore = new Date(now.getTime() - STALE_SENDING_MS).toISOString();
    return await this.store.write(async (repos) => {
      // Three statements for the batch (its rows, the missing ones written, the takeable ones taken), not three per message.
      const recipients = [...new Map(messages.map((message) => [message.recipient, message])).values()];
      const rows = new Map(
        (
          await repos.jobs.findDeliveries(
            runId,
            recipients.map((message) => message.recipient),
          )
        ).map((delivery) => [delivery.recipient, delivery]),
      );
      const missing = recipients.filter((message) => !rows.has(message.recipient));
      const written = await repos.jobs.insertDeliveries(
        missing.map(({ recipient, summary }) => ({
          runId,
          recipient,
          status: 'pending' as const,
          attempts: 0,
          lastError: null,
          summary,
          takenAt: null,
          sentAt: null,
        })),
      );
      for (const delivery of written) rows.set(delivery.recipient, delivery);
      const candidates = recipients.map((message) => rows.get(message.recipient)).filter((d): d is JobDelivery => d !== undefined);
      const taken = new Set(
        await repos.jobs.takeDeliveries(
          candidates.map((delivery) => delivery.id),
          now.toISOString(),
          staleBefore,
        ),
      );
      return candidates
        .filter((delivery) => taken.has(delivery.id))
        .map((delivery) => ({ ...delivery, status: 'sending' as const, attempts: delivery.attempts + 1, takenAt: now.toISOString() }));
    });
  }

  /** Records the outcome of a send (audited: who got what, when). */
  async settle(delivery: JobDelivery, workspaceId: number, outcome: { ok: true } | { ok: false; error: string }): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      await repos.jobs.settleDelivery(
        delivery.id,
        outcome.ok ? 'sent' : 'failed',
        outcome.ok ? null : outcome.error.slice(0, 500),
        outcome.ok ? at : null,
      );
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system:jobs',
          action: outcome.ok ? 'job.message_sent' : 'job.message_failed',
          subject: `job_delivery:${delivery.id}`,
          before: null,
          after: {
            recipient: delivery.recipient,
            summary: delivery.summary,
            ...(outcome.ok ? {} : { error: outcome.error.slice(0, 200) }),
          },
        },
        at,
      );
    });
  }

  /** Messages of earlier runs of this job that failed: the next run sends them. */
  async failedEarlier(job: string, workspaceId: number): Promise<Array<JobDelivery & { period: string }>> {
    return await this.store.read(async (repos) => await repos.jobs.failedDeliveries(job, workspaceId));
  }

  /** A failed message replaced by a newer one to the same recipient (audited, never sent). */
  async supersede(delivery: JobDelivery, workspaceId: number, by: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      await repos.jobs.markSuperseded(delivery.id);
      await repos.audit.append(
        {
          workspaceId,
          actorPersonId: null,
          actor: 'system:jobs',
          action: 'job.message_superseded',
          subject: `job_delivery:${delivery.id}`,
          before: { status: 'failed' },
          after: { status: 'superseded', by },
        },
        at,
      );
    });
  }

  async finishRun(runId: number): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => await repos.jobs.finishRun(runId, at));
  }

  async recentRuns(limit = 20): Promise<Array<JobRun & { sent: number; failed: number }>> {
    return await this.store.read(async (repos) => await repos.jobs.recentRuns(limit));
  }

  async lastRun(job: string, workspaceId: number): Promise<JobRun | undefined> {
    return await this.store.read(async (repos) => await repos.jobs.lastRun(job, workspaceId));
  }
}

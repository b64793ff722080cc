import { integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from './columns.ts';

/** PostgreSQL twin of ../schema/jobs.ts: one run of a job for one period and workspace, claimed before anything is sent. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    job: text('job').notNull(),
    /** e.g. "2026-W48" for the weekly digest, "2026-11-23" for daily nudges. */
    period: text('period').notNull(),
    workspaceId: workspaceScope(),
    claimedAt: text('claimed_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [uniqueIndex('job_runs_job_period_workspace_uq').on(t.job, t.period, t.workspaceId)],
);

/** Each message a run sends: sent once; a failure is retried by the next run. */
export const jobDeliveries = pgTable(
  'job_deliveries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    runId: integer('run_id')
      .notNull()
      .references(() => jobRuns.id),
    recipient: text('recipient').notNull(),
    // pending -> sending (claimed by one process) -> sent | failed (retried, or superseded by a newer message).
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'superseded'] }).notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error'),
    summary: text('summary').notNull(),
    /** When a process took it for sending (to recover from a crash mid-send). */
    takenAt: text('taken_at'),
    sentAt: text('sent_at'),
  },
  (t) => [uniqueIndex('job_deliveries_run_recipient_uq').on(t.runId, t.recipient)],
);

/** "Not now": an item kept out of someone's nudges until a day. */
export const itemSnoozes = pgTable(
  'item_snoozes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    personId: integer('person_id').notNull(),
    /** "review:3", "action:12", "training:2", "release:7" */
    itemKey: text('item_key').notNull(),
    /** YYYY-MM-DD: quiet until (not including) this day. */
    until: text('until').notNull(),
    reason: text('reason'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('item_snoozes_person_item_uq').on(t.personId, t.itemKey)],
);

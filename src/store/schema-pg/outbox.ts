import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from './columns.ts';

/** PostgreSQL twin of ../schema/outbox.ts: posts, card updates and direct messages owed after a change. */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    kind: text('kind', { enum: ['post', 'update', 'direct'] }).notNull(),
    /** "incident:12", "release:3" */
    subject: text('subject').notNull(),
    /** post: channel purpose; update: channel id of the copy; direct: person id. */
    target: text('target').notNull(),
    /** update: message id of the copy; direct: which notice. */
    detail: text('detail'),
    // pending -> sending (taken by one process) -> sent | pending again (retry after backoff) | failed (gave up)
    // | superseded (an update whose copy got a newer waiting update meanwhile).
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'superseded'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    takenAt: text('taken_at'),
    takenBy: text('taken_by'),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [
    index('outbox_messages_status_ix').on(t.status, t.id),
    index('outbox_messages_subject_ix').on(t.workspaceId, t.subject),
    // A record's card goes to a channel purpose once, whatever happens.
    uniqueIndex('outbox_messages_post_uq')
      .on(t.subject, t.target)
      .where(sql`kind = 'post'`),
    // One waiting refresh per posted copy: it renders the latest state when it goes out.
    uniqueIndex('outbox_messages_waiting_update_uq')
      .on(t.subject, t.target, t.detail)
      .where(sql`kind = 'update' AND status = 'pending'`),
  ],
);

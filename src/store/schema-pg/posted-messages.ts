import { sql } from 'drizzle-orm';
import { check, index, integer, json, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from './columns.ts';

/** PostgreSQL twin of ../schema/posted-messages.ts: every copy the bot posted about a record. */
export const postedMessages = pgTable(
  'posted_messages',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    platform: text('platform', { enum: ['slack', 'teams'] }).notNull(),
    /** "incident:12", "release:3" */
    subject: text('subject').notNull(),
    /** "incidents", "leadership", "approvals", "personal:<person id>", "direct:<notice>:<person id>" */
    purpose: text('purpose').notNull(),
    /** Slack channel id (C…/D…) or Teams conversation id. */
    channelId: text('channel_id').notNull(),
    /** Slack ts or Teams activity id. */
    messageId: text('message_id').notNull(),
    /** Teams: the conversation reference to update it proactively. */
    reference: json('reference'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('posted_messages_platform_channel_message_uq').on(t.platform, t.channelId, t.messageId),
    index('posted_messages_subject_ix').on(t.workspaceId, t.subject),
    check('posted_messages_platform_ck', sql`${t.platform} in ('slack', 'teams')`),
  ],
);

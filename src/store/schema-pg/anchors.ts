import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { workspaceScope } from './columns.ts';

/** PostgreSQL twin of ../schema/anchors.ts (every audit chain head the bot published). */
export const publishedAnchors = pgTable(
  'published_anchors',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    /** The chain the head is of: the workspace's own, or -1 (the default) for heads published before chains were per workspace. */
    chain: integer('chain').notNull().default(-1),
    sequence: integer('sequence').notNull(),
    hash: text('hash').notNull(),
    channelId: text('channel_id').notNull(),
    channelName: text('channel_name'),
    messageId: text('message_id'),
    /** "digest 2026-W48", "anchor 2026-11-23". */
    source: text('source').notNull(),
    publishedAt: text('published_at').notNull(),
  },
  (t) => [index('published_anchors_workspace_sequence_ix').on(t.workspaceId, t.sequence)],
);

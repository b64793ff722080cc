import { index, integer, json, pgTable, text } from 'drizzle-orm/pg-core';
import { workspaces } from './directory.ts';

/** PostgreSQL twin of ../schema/dedupe.ts (keys of inbound interactions already handled). */
export const inboundDedupeKeys = pgTable(
  'inbound_dedupe_keys',
  {
    key: text('key').primaryKey(),
    workspaceId: integer('workspace_id').references(() => workspaces.id),
    firstSeenAt: text('first_seen_at').notNull(),
    /** What the first delivery produced; json, not jsonb, so the object comes back with its keys in order. */
    outcome: json('outcome'),
    /** sha256 of what the key carried: the same key with other content is a conflict, never a replay. */
    requestHash: text('request_hash'),
  },
  (t) => [index('inbound_dedupe_keys_first_seen_ix').on(t.firstSeenAt)],
);

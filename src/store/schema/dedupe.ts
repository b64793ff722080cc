import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { workspaces } from './directory.ts';

/** Keys of inbound interactions already handled (Slack event ids, view hashes, click keys). */
export const inboundDedupeKeys = sqliteTable(
  'inbound_dedupe_keys',
  {
    key: text('key').primaryKey(),
    workspaceId: integer('workspace_id').references(() => workspaces.id),
    firstSeenAt: text('first_seen_at').notNull(),
    /** What the first delivery produced (e.g. the id it created), so a repeat is answered the same. */
    outcome: text('outcome', { mode: 'json' }),
    /** sha256 of what the key carried: the same key with other content is a conflict, never a replay. */
    requestHash: text('request_hash'),
  },
  (t) => [index('inbound_dedupe_keys_first_seen_ix').on(t.firstSeenAt)],
);

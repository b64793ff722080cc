import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { workspaces } from './directory.ts';

/**
 * The hash chain. `sequence` is the chain position; `payload` is the canonical JSON that was hashed,
 * kept as text so verification never depends on how a JSON column would re-serialise it.
 * Unique `previous_hash` means two writers can never both extend the same head (no fork).
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    sequence: integer('sequence').primaryKey(),
    at: text('at').notNull(),
    workspaceId: integer('workspace_id').references(() => workspaces.id),
    actorPersonId: integer('actor_person_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    payload: text('payload').notNull(),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_events_previous_hash_uq').on(t.previousHash),
    uniqueIndex('audit_events_hash_uq').on(t.hash),
    index('audit_events_workspace_ix').on(t.workspaceId, t.sequence),
  ],
);

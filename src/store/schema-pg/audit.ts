import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaces } from './directory.ts';

/**
 * PostgreSQL twin of ../schema/audit.ts. `sequence` is assigned by the appending code (the chain position),
 * so it is a plain primary key, not an identity. `payload` stays text: the hashed canonical JSON must come
 * back byte for byte, which json/jsonb columns do not promise.
 */
export const auditEvents = pgTable(
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

import { index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaces } from './directory.ts';

/**
 * PostgreSQL twin of ../schema/audit.ts. `sequence` is assigned by the appending code (the chain position),
 * so it is a plain primary key, not an identity. `payload` stays text: the hashed canonical JSON must come
 * back byte for byte, which json/jsonb columns do not promise.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    /**
     * The chain: the workspace's id, 0 for events of no workspace (the system chain), -1 for the one global
     * chain of a store written before chains were per workspace (the default, so those rows land there
     * when the column is added; the bot always names the chain).
     */
    chain: integer('chain').notNull().default(-1),
    /** Position in the chain, from 1. */
    sequence: integer('sequence').notNull(),
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
    primaryKey({ name: 'audit_events_chain_sequence_pk', columns: [t.chain, t.sequence] }),
    uniqueIndex('audit_events_previous_hash_uq').on(t.chain, t.previousHash),
    uniqueIndex('audit_events_hash_uq').on(t.hash),
    index('audit_events_workspace_ix').on(t.workspaceId, t.sequence),
  ],
);

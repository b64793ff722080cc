import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { aiSystems } from '../ai-systems/schema.pg.ts';
import { workspaceScope } from '../../store/schema-pg/columns.ts';
import { people } from '../../store/schema-pg/directory.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

export const incidents = pgTable(
  'incidents',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    /** INC-<number>, counted per workspace. */
    number: integer('number').notNull(),
    aiSystemId: integer('ai_system_id').references(() => aiSystems.id),
    /** A system not in the inventory yet, by the name the reporter gave. */
    systemName: text('system_name'),
    title: text('title').notNull(),
    description: text('description').notNull(),
    severity: text('severity', { enum: ['S1', 'S2', 'S3', 'S4'] }).notNull(),
    type: text('type').notNull(),
    detectedAt: text('detected_at').notNull(),
    affected: text('affected').notNull(),
    reporterPersonId: integer('reporter_person_id')
      .notNull()
      .references(() => people.id),
    ownerPersonId: integer('owner_person_id').references(() => people.id),
    /** Who acknowledged it (the responder); acknowledging never changes the accountable owner. */
    responderPersonId: integer('responder_person_id').references(() => people.id),
    status: text('status', { enum: ['open', 'acknowledged', 'mitigated', 'resolved', 'closed'] }).notNull(),
    rootCause: text('root_cause'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    closedAt: text('closed_at'),
  },
  (t) => [
    uniqueIndex('incidents_workspace_number_uq').on(t.workspaceId, t.number),
    // Status: the active ones by severity and the oldest of them; the 30-day windows on their own instants.
    index('incidents_workspace_status_severity_ix').on(t.workspaceId, t.status, t.severity, t.createdAt),
    index('incidents_workspace_created_ix').on(t.workspaceId, t.createdAt),
    index('incidents_workspace_closed_ix').on(t.workspaceId, t.closedAt),
    // The oldest incident of each status (status's "oldest open"): one seek per status.
    index('incidents_workspace_status_created_ix').on(t.workspaceId, t.status, t.createdAt, t.number),
    check('incidents_system_ck', sql`${t.aiSystemId} is not null or ${t.systemName} is not null`),
    check('incidents_severity_ck', sql`${t.severity} in ('S1', 'S2', 'S3', 'S4')`),
  ],
);

/** The timeline of an incident: every transition and comment, in order. */
export const incidentEvents = pgTable(
  'incident_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    at: text('at').notNull(),
    actorPersonId: integer('actor_person_id').references(() => people.id),
    kind: text('kind').notNull(),
    text: text('text'),
  },
  (t) => [index('incident_events_incident_ix').on(t.incidentId, t.id)],
);

export const correctiveActions = pgTable(
  'corrective_actions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    incidentId: integer('incident_id').references(() => incidents.id),
    /** Set when the action came out of a review (review_completions.id). */
    reviewCompletionId: integer('review_completion_id'),
    title: text('title').notNull(),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    dueDate: text('due_date').notNull(),
    status: text('status', { enum: ['open', 'done'] }).notNull(),
    doneAt: text('done_at'),
    createdAt: text('created_at').notNull(),
    /** Set when the action corrects a nonconformity (nonconformities.id, internal-audits area). */
    nonconformityId: integer('nonconformity_id'),
    rootCause: text('root_cause'),
    /** The last effectiveness check after it was done: by someone other than its owner (a failed one reopens it). */
    checkResult: text('check_result', { enum: ['passed', 'failed'] }),
    checkedByPersonId: integer('checked_by_person_id').references(() => people.id),
    checkedAt: text('checked_at'),
    checkNote: text('check_note'),
  },
  (t) => [
    index('corrective_actions_workspace_status_ix').on(t.workspaceId, t.status, t.dueDate),
    // The nudge sweep reads the open actions of one group of owners at a time, along this index.
    index('corrective_actions_workspace_status_owner_ix').on(t.workspaceId, t.status, t.ownerPersonId, t.dueDate),
    index('corrective_actions_incident_ix').on(t.incidentId),
    index('corrective_actions_workspace_created_ix').on(t.workspaceId, t.createdAt),
  ],
);

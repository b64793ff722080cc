import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from '../../store/schema-pg/columns.ts';
import { people } from '../../store/schema-pg/directory.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

/** The internal audit programme (9.2): one row per audit, its scope (JSON arrays), dates and auditors. */
export const internalAudits = pgTable(
  'internal_audits',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    clauses: text('clauses').notNull(),
    controls: text('controls').notNull(),
    systemIds: text('system_ids').notNull(),
    areas: text('areas').notNull(),
    plannedStart: text('planned_start').notNull(),
    plannedEnd: text('planned_end').notNull(),
    leadAuditorPersonId: integer('lead_auditor_person_id')
      .notNull()
      .references(() => people.id),
    /** JSON array of person ids. */
    auditorPersonIds: text('auditor_person_ids').notNull(),
    status: text('status', { enum: ['planned', 'in-progress', 'completed'] }).notNull(),
    createdByPersonId: integer('created_by_person_id')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    completedAt: text('completed_at'),
  },
  (t) => [uniqueIndex('internal_audits_workspace_number_uq').on(t.workspaceId, t.number)],
);

/** Findings logged during an audit: F1, F2 ... per audit. */
export const auditFindings = pgTable(
  'audit_findings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    auditId: integer('audit_id')
      .notNull()
      .references(() => internalAudits.id),
    number: integer('number').notNull(),
    kind: text('kind', { enum: ['major-nc', 'minor-nc', 'observation', 'ofi'] }).notNull(),
    clause: text('clause').notNull(),
    description: text('description').notNull(),
    recordRef: text('record_ref'),
    createdByPersonId: integer('created_by_person_id')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('audit_findings_audit_number_uq').on(t.auditId, t.number)],
);

/** Nonconformities (10.2), from an audit finding or an objective off target: NC-n per workspace. */
export const nonconformities = pgTable(
  'nonconformities',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    number: integer('number').notNull(),
    source: text('source', { enum: ['audit', 'objective'] }).notNull(),
    sourceRef: text('source_ref').notNull(),
    auditId: integer('audit_id').references(() => internalAudits.id),
    findingId: integer('finding_id').references(() => auditFindings.id),
    clause: text('clause').notNull(),
    grade: text('grade', { enum: ['major', 'minor'] }).notNull(),
    description: text('description').notNull(),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    raisedByPersonId: integer('raised_by_person_id')
      .notNull()
      .references(() => people.id),
    status: text('status', { enum: ['open', 'action', 'closed'] }).notNull(),
    /** corrective_actions.id, once raised. */
    correctiveActionId: integer('corrective_action_id'),
    checkerPersonId: integer('checker_person_id').references(() => people.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    closedAt: text('closed_at'),
  },
  (t) => [
    uniqueIndex('nonconformities_workspace_number_uq').on(t.workspaceId, t.number),
    // One nonconformity per finding, whatever the clicks.
    uniqueIndex('nonconformities_finding_uq').on(t.findingId),
    index('nonconformities_workspace_status_ix').on(t.workspaceId, t.status),
  ],
);

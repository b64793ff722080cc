import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { aiSystems } from '../ai-systems/schema.pg.ts';
import { workspaceScope } from '../../store/schema-pg/columns.ts';
import { people } from '../../store/schema-pg/directory.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

/** What a model must measure to be released: metric, comparison, threshold, on which data. */
export const acceptanceCriteria = pgTable(
  'acceptance_criteria',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    aiSystemId: integer('ai_system_id')
      .notNull()
      .references(() => aiSystems.id),
    metric: text('metric').notNull(),
    comparison: text('comparison', { enum: ['>=', '<='] }).notNull(),
    threshold: doublePrecision('threshold').notNull(),
    dataset: text('dataset').notNull(),
    /** Bounds declared with the criterion ("range 0..100"); null: the default domain of its metric's name. */
    minValue: doublePrecision('min_value'),
    maxValue: doublePrecision('max_value'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('acceptance_criteria_system_metric_uq').on(t.aiSystemId, t.metric, t.dataset)],
);

export const releases = pgTable(
  'releases',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    aiSystemId: integer('ai_system_id')
      .notNull()
      .references(() => aiSystems.id),
    version: text('version').notNull(),
    versionKey: text('version_key').notNull(),
    changeType: text('change_type').notNull(),
    whatChanged: text('what_changed').notNull(),
    evaluationLink: text('evaluation_link'),
    risks: text('risks').notNull(),
    justification: text('justification'),
    approvalsNeeded: integer('approvals_needed').notNull(),
    requesterPersonId: integer('requester_person_id')
      .notNull()
      .references(() => people.id),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'withdrawn'] }).notNull(),
    /** sha256 of the request's canonical content; each decision records the hash it saw. */
    contentHash: text('content_hash').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    decidedAt: text('decided_at'),
  },
  (t) => [
    // One live request or release per version of a system; a rejected or withdrawn one may be asked again.
    uniqueIndex('releases_system_version_live_uq')
      .on(t.aiSystemId, t.versionKey)
      .where(sql`${t.status} in ('pending', 'approved')`),
    // Status: the oldest pending first, and the decisions of the last 30 days.
    index('releases_workspace_status_created_ix').on(t.workspaceId, t.status, t.createdAt),
    index('releases_workspace_decided_ix').on(t.workspaceId, t.decidedAt, t.status),
    // A system's live releases (why it needs an impact assessment), and the releases of a period (evidence).
    index('releases_system_status_ix').on(t.aiSystemId, t.status),
    index('releases_workspace_created_ix').on(t.workspaceId, t.createdAt),
  ],
);

export const releaseMetrics = pgTable(
  'release_metrics',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    releaseId: integer('release_id')
      .notNull()
      .references(() => releases.id),
    metric: text('metric').notNull(),
    dataset: text('dataset'),
    /** Null for an extra metric that has no criterion. */
    comparison: text('comparison', { enum: ['>=', '<='] }),
    threshold: doublePrecision('threshold'),
    measured: doublePrecision('measured').notNull(),
    passed: boolean('passed'),
  },
  (t) => [index('release_metrics_release_ix').on(t.releaseId)],
);

export const releaseDecisions = pgTable(
  'release_decisions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    releaseId: integer('release_id')
      .notNull()
      .references(() => releases.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    decision: text('decision', { enum: ['approve', 'reject'] }).notNull(),
    comment: text('comment'),
    contentHash: text('content_hash').notNull(),
    at: text('at').notNull(),
    /** False once an edit of the request dropped it. */
    active: boolean('active').notNull(),
  },
  (t) => [
    // A second click by the same person counts once.
    uniqueIndex('release_decisions_person_active_uq')
      .on(t.releaseId, t.personId)
      // A boolean on PostgreSQL (SQLite compares its 0/1 integer with 1).
      .where(sql`${t.active} = true`),
  ],
);

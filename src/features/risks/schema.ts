import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { workspaceScope } from '../../store/schema/columns.ts';
import { people, workspaces } from '../../store/schema/directory.ts';

/** The AI risk register (6.1.2, 6.1.3, 8.2, 8.3): one row per risk, its levels, treatment and acceptance state. */
export const risks = sqliteTable(
  'risks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    /** JSON array of AI system ids; [] is organisation-wide. */
    systemIds: text('system_ids').notNull(),
    category: text('category').notNull(),
    phase: text('phase').notNull(),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    inherentLikelihood: integer('inherent_likelihood').notNull(),
    inherentImpact: integer('inherent_impact').notNull(),
    inherentLevel: text('inherent_level').notNull(),
    treatment: text('treatment').notNull(),
    plan: text('plan').notNull(),
    /** JSON array of Annex A control ids. */
    controls: text('controls').notNull(),
    residualLikelihood: integer('residual_likelihood').notNull(),
    residualImpact: integer('residual_impact').notNull(),
    residualLevel: text('residual_level').notNull(),
    acceptanceRationale: text('acceptance_rationale'),
    reviewEveryDays: integer('review_every_days').notNull(),
    nextReviewDate: text('next_review_date').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    acceptance: text('acceptance', { enum: ['not-needed', 'pending', 'accepted'] }).notNull(),
    approvalsNeeded: integer('approvals_needed').notNull(),
    contentHash: text('content_hash').notNull(),
    lastEditorPersonId: integer('last_editor_person_id')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    acceptedAt: text('accepted_at'),
  },
  (t) => [uniqueIndex('risks_workspace_number_uq').on(t.workspaceId, t.number)],
);

/** Treatment actions of a risk: owner and due date, nudged like corrective actions. */
export const riskActions = sqliteTable(
  'risk_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    riskId: integer('risk_id')
      .notNull()
      .references(() => risks.id),
    title: text('title').notNull(),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    dueDate: text('due_date').notNull(),
    status: text('status', { enum: ['open', 'done'] }).notNull(),
    doneAt: text('done_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('risk_actions_workspace_status_ix').on(t.workspaceId, t.status)],
);

/** Acceptances of a risk's residual level, each with the content hash it was given for. */
export const riskDecisions = sqliteTable(
  'risk_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    riskId: integer('risk_id')
      .notNull()
      .references(() => risks.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    role: text('role', { enum: ['owner', 'approver'] }).notNull(),
    decision: text('decision', { enum: ['accept'] }).notNull(),
    contentHash: text('content_hash').notNull(),
    at: text('at').notNull(),
    /** False once a material change dropped it. */
    active: integer('active', { mode: 'boolean' }).notNull(),
  },
  (t) => [
    // A second click by the same person counts once.
    uniqueIndex('risk_decisions_person_active_uq')
      .on(t.riskId, t.personId)
      .where(sql`${t.active} = 1`),
  ],
);

/** A workspace's level thresholds on the 5x5 matrix (none: the defaults). */
export const riskSettings = sqliteTable('risk_settings', {
  workspaceId: integer('workspace_id')
    .primaryKey()
    .references(() => workspaces.id),
  mediumFrom: integer('medium_from').notNull(),
  highFrom: integer('high_from').notNull(),
  criticalFrom: integer('critical_from').notNull(),
  updatedAt: text('updated_at').notNull(),
});

import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from '../../store/schema-pg/columns.ts';
import { people } from '../../store/schema-pg/directory.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

/** The organisation's policies (5.2, A.2.2-A.2.4): one row per policy, its versions below. */
export const policies = pgTable(
  'policies',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    number: integer('number').notNull(),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    /** The reviews area's "AI policy review" schedule for it, once published. */
    reviewScheduleId: integer('review_schedule_id'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('policies_workspace_number_uq').on(t.workspaceId, t.number),
    uniqueIndex('policies_workspace_name_uq').on(t.workspaceId, t.nameKey),
  ],
);

/** The versions of a policy: content, who must acknowledge, approval and publication. */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    policyId: integer('policy_id')
      .notNull()
      .references(() => policies.id),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    effectiveDate: text('effective_date').notNull(),
    link: text('link'),
    text: text('text'),
    changes: text('changes').notNull(),
    /** "everyone" or a JSON array of roles. */
    audience: text('audience').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'published', 'superseded'] }).notNull(),
    approvalsNeeded: integer('approvals_needed').notNull(),
    contentHash: text('content_hash').notNull(),
    authorPersonId: integer('author_person_id')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
    approvedAt: text('approved_at'),
    publishedAt: text('published_at'),
    publishedBy: integer('published_by').references(() => people.id),
  },
  (t) => [
    uniqueIndex('policy_versions_policy_version_uq').on(t.policyId, t.version),
    index('policy_versions_workspace_status_ix').on(t.workspaceId, t.status),
  ],
);

/** Approvals of a version on the sign-off engine, each with the content hash it was given for. */
export const policyApprovals = pgTable(
  'policy_approvals',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    versionId: integer('version_id')
      .notNull()
      .references(() => policyVersions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    decision: text('decision', { enum: ['approve'] }).notNull(),
    contentHash: text('content_hash').notNull(),
    at: text('at').notNull(),
    active: boolean('active').notNull(),
  },
  (t) => [
    // A second click by the same approver counts once.
    uniqueIndex('policy_approvals_person_active_uq')
      .on(t.versionId, t.personId)
      .where(sql`${t.active} = true`),
  ],
);

/** One person asked to acknowledge one published version, and when they did (with the version's hash). */
export const policyAcknowledgements = pgTable(
  'policy_acknowledgements',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    versionId: integer('version_id')
      .notNull()
      .references(() => policyVersions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    status: text('status', { enum: ['pending', 'acknowledged'] }).notNull(),
    contentHash: text('content_hash').notNull(),
    askedAt: text('asked_at').notNull(),
    acknowledgedAt: text('acknowledged_at'),
  },
  (t) => [
    // Asked once per version; a double click acknowledges once.
    uniqueIndex('policy_acknowledgements_version_person_uq').on(t.versionId, t.personId),
    index('policy_acknowledgements_workspace_status_ix').on(t.workspaceId, t.status),
  ],
);

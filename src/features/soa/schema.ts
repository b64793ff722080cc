import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { workspaceScope } from '../../store/schema/columns.ts';
import { people } from '../../store/schema/directory.ts';

/** A workspace's statement about one Annex A control; a control without a row reads as applicable, planned, no owner. */
export const soaEntries = sqliteTable(
  'soa_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    controlId: text('control_id').notNull(),
    applicable: integer('applicable', { mode: 'boolean' }).notNull(),
    justification: text('justification'),
    state: text('state', { enum: ['planned', 'partial', 'implemented'] }).notNull(),
    ownerPersonId: integer('owner_person_id').references(() => people.id),
    updatedBy: integer('updated_by')
      .notNull()
      .references(() => people.id),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('soa_entries_workspace_control_uq').on(t.workspaceId, t.controlId)],
);

/** A version of the SoA put up for approval (v1, v2 ... per workspace). */
export const soaVersions = sqliteTable(
  'soa_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    version: integer('version').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'superseded'] }).notNull(),
    contentHash: text('content_hash').notNull(),
    approvalsNeeded: integer('approvals_needed').notNull(),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
    approvedAt: text('approved_at'),
  },
  (t) => [
    uniqueIndex('soa_versions_workspace_version_uq').on(t.workspaceId, t.version),
    // At most one version waits for approval at a time.
    uniqueIndex('soa_versions_workspace_pending_uq')
      .on(t.workspaceId)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/** An approver's approval of a version, for the content hash it was given on. */
export const soaDecisions = sqliteTable(
  'soa_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    versionId: integer('version_id')
      .notNull()
      .references(() => soaVersions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    contentHash: text('content_hash').notNull(),
    at: text('at').notNull(),
    /** False once an edit of the SoA dropped it. */
    active: integer('active', { mode: 'boolean' }).notNull(),
  },
  (t) => [
    index('soa_decisions_version_ix').on(t.versionId),
    // A second click by the same person counts once.
    uniqueIndex('soa_decisions_person_active_uq')
      .on(t.versionId, t.personId)
      .where(sql`${t.active} = 1`),
  ],
);

import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { aiSystems } from '../ai-systems/schema.ts';
import { workspaceScope } from '../../store/schema/columns.ts';
import { people } from '../../store/schema/directory.ts';

/** AI system impact assessments, versioned per system; harms and mitigations as canonical JSON text. */
export const impactAssessments = sqliteTable(
  'impact_assessments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    aiSystemId: integer('ai_system_id')
      .notNull()
      .references(() => aiSystems.id),
    version: integer('version').notNull(),
    authorPersonId: integer('author_person_id')
      .notNull()
      .references(() => people.id),
    intendedUse: text('intended_use').notNull(),
    foreseeableMisuse: text('foreseeable_misuse').notNull(),
    affected: text('affected').notNull(),
    societalImpact: text('societal_impact').notNull(),
    harms: text('harms').notNull(),
    mitigations: text('mitigations').notNull(),
    humanOversight: text('human_oversight').notNull(),
    status: text('status', { enum: ['pending', 'signed', 'superseded'] }).notNull(),
    /** sha256 of the assessment's canonical content: the sign-off records the content it saw. */
    contentHash: text('content_hash').notNull(),
    signedByPersonId: integer('signed_by_person_id').references(() => people.id),
    signedAt: text('signed_at'),
    supersededById: integer('superseded_by_id'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('impact_assessments_system_version_uq').on(t.aiSystemId, t.version),
    index('impact_assessments_workspace_status_ix').on(t.workspaceId, t.status),
    check('impact_assessments_status_ck', sql`${t.status} in ('pending', 'signed', 'superseded')`),
  ],
);

/**
 * A maintained aggregate: one row per AI system whose impact assessment is due (impactsDue's rule), kept by
 * triggers on ai_systems, impact_assessments and releases (hand-written in the migration), so status and
 * the digest count and list the due systems by index instead of reading every system and release.
 * `since` is when it became due (its earliest unassessed release, else the system's last change), `due` its
 * day plus IMPACT_DUE_AFTER_DAYS, `pending_id` its newest assessment awaiting sign-off.
 */
export const impactDue = sqliteTable(
  'impact_due',
  {
    aiSystemId: integer('ai_system_id').primaryKey(),
    workspaceId: integer('workspace_id').notNull(),
    nameKey: text('name_key').notNull(),
    since: text('since').notNull(),
    due: text('due').notNull(),
    pendingId: integer('pending_id'),
  },
  (t) => [
    index('impact_due_workspace_name_ix').on(t.workspaceId, t.nameKey),
    index('impact_due_workspace_due_ix').on(t.workspaceId, t.due),
    index('impact_due_workspace_pending_ix').on(t.workspaceId, t.pendingId),
  ],
);

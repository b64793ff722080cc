import { sql } from 'drizzle-orm';
import { check, index, integer, json, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

// PostgreSQL twin of ../schema/directory.ts. Enums stay text with a check, as on SQLite: no pg enum types,
// so both dialects' migrations change a value list the same way.

export const workspaces = pgTable(
  'workspaces',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    platform: text('platform', { enum: ['slack', 'teams'] }).notNull(),
    externalId: text('external_id').notNull(),
    name: text('name'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('workspaces_platform_external_id_uq').on(t.platform, t.externalId),
    check('workspaces_platform_ck', sql`${t.platform} in ('slack', 'teams')`),
  ],
);

export const people = pgTable(
  'people',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    platform: text('platform', { enum: ['slack', 'teams'] }).notNull(),
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    /** Teams: the reference of the person's personal chat with the bot, for direct messages. */
    directReference: json('direct_reference'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('people_platform_workspace_external_id_uq').on(t.platform, t.workspaceId, t.externalId),
    index('people_workspace_ix').on(t.workspaceId),
  ],
);

export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: integer('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    role: text('role', { enum: ['admin', 'approver', 'leadership', 'trainer'] }).notNull(),
    grantedBy: integer('granted_by').references(() => people.id),
    grantedAt: text('granted_at').notNull(),
  },
  (t) => [
    uniqueIndex('role_assignments_person_role_uq').on(t.workspaceId, t.personId, t.role),
    index('role_assignments_workspace_role_ix').on(t.workspaceId, t.role),
    check('role_assignments_role_ck', sql`${t.role} in ('admin', 'approver', 'leadership', 'trainer')`),
  ],
);

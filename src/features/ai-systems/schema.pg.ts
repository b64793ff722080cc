import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from '../../store/schema-pg/columns.ts';
import { people } from '../../store/schema-pg/directory.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

export const aiSystems = pgTable(
  'ai_systems',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    name: text('name').notNull(),
    /** Lower-cased, trimmed name: uniqueness is case-insensitive within a workspace. */
    nameKey: text('name_key').notNull(),
    description: text('description').notNull(),
    purpose: text('purpose').notNull(),
    ownerPersonId: integer('owner_person_id').references(() => people.id),
    euRiskLevel: text('eu_risk_level', { enum: ['prohibited', 'high', 'limited', 'minimal'] }).notNull(),
    internalTier: text('internal_tier', { enum: ['tier-1', 'tier-2', 'tier-3'] }).notNull(),
    stage: text('stage', { enum: ['development', 'production', 'retired'] }).notNull(),
    provider: text('provider', { enum: ['in-house', 'third-party'] }).notNull(),
    vendorName: text('vendor_name'),
    modelCardUrl: text('model_card_url'),
    repositoryUrl: text('repository_url'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('ai_systems_workspace_name_uq').on(t.workspaceId, t.nameKey),
    // Covers the status's one pass over the inventory (stage, risk, owner) without reading the rows.
    index('ai_systems_workspace_stage_risk_ix').on(t.workspaceId, t.stage, t.euRiskLevel, t.ownerPersonId),
    index('ai_systems_workspace_created_ix').on(t.workspaceId, t.createdAt),
    check('ai_systems_stage_ck', sql`${t.stage} in ('development', 'production', 'retired')`),
    check('ai_systems_risk_ck', sql`${t.euRiskLevel} in ('prohibited', 'high', 'limited', 'minimal')`),
    check('ai_systems_vendor_ck', sql`${t.provider} = 'in-house' or ${t.vendorName} is not null`),
  ],
);

import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { workspaceScope } from '../../store/schema/columns.ts';
import { people } from '../../store/schema/directory.ts';

/** AI objectives (6.2, A.6.1.2, A.9.3): a metric, a direction and target, a cadence, an owner. */
export const objectives = sqliteTable(
  'objectives',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    number: integer('number').notNull(),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    metric: text('metric').notNull(),
    direction: text('direction', { enum: ['at-least', 'at-most'] }).notNull(),
    target: real('target').notNull(),
    cadence: text('cadence', { enum: ['weekly', 'monthly', 'quarterly'] }).notNull(),
    source: text('source').notNull(),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    /** The AI system it is about, if any (ai_systems.id of the same workspace). */
    aiSystemId: integer('ai_system_id'),
    createdByPersonId: integer('created_by_person_id').references(() => people.id),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('objectives_workspace_number_uq').on(t.workspaceId, t.number),
    uniqueIndex('objectives_workspace_name_uq').on(t.workspaceId, t.nameKey),
  ],
);

/** Readings of an objective (9.1): the value measured, whether it met the target, and an explanation when it did not. */
export const objectiveReadings = sqliteTable(
  'objective_readings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    objectiveId: integer('objective_id')
      .notNull()
      .references(() => objectives.id),
    value: real('value').notNull(),
    onTarget: integer('on_target', { mode: 'boolean' }).notNull(),
    date: text('date').notNull(),
    period: text('period').notNull(),
    channel: text('channel', { enum: ['chat', 'api', 'bot'] }).notNull(),
    note: text('note'),
    recordedByPersonId: integer('recorded_by_person_id').references(() => people.id),
    recordedAt: text('recorded_at').notNull(),
    explanation: text('explanation'),
    explainedByPersonId: integer('explained_by_person_id').references(() => people.id),
    explainedAt: text('explained_at'),
  },
  (t) => [index('objective_readings_objective_ix').on(t.objectiveId, t.date)],
);

import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { aiSystems } from '../ai-systems/schema.ts';
import { workspaceScope } from '../../store/schema/columns.ts';
import { people } from '../../store/schema/directory.ts';

/** A review that recurs: its next due date moves on by the cadence each time it is done. */
export const reviewSchedules = sqliteTable(
  'review_schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    kind: text('kind').notNull(),
    aiSystemId: integer('ai_system_id').references(() => aiSystems.id),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    cadenceDays: integer('cadence_days').notNull(),
    nextDue: text('next_due').notNull(),
    lastDone: text('last_done'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('review_schedules_workspace_due_kind_ix').on(t.workspaceId, t.nextDue, t.kind),
    // Whether a kind of review was done in a period (evidence): the schedules of a kind, then their completions by day.
    index('review_schedules_workspace_kind_ix').on(t.workspaceId, t.kind, t.nextDue),
  ],
);

export const reviewCompletions = sqliteTable(
  'review_completions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scheduleId: integer('schedule_id')
      .notNull()
      .references(() => reviewSchedules.id),
    date: text('date').notNull(),
    outcome: text('outcome', { enum: ['no-findings', 'findings', 'could-not-complete'] }).notNull(),
    findings: text('findings'),
    evidence: text('evidence'),
    recordedBy: integer('recorded_by')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('review_completions_schedule_date_ix').on(t.scheduleId, t.date)],
);

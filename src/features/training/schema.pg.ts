import { boolean, index, integer, json, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from '../../store/schema-pg/columns.ts';
import { people } from '../../store/schema-pg/directory.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

export const courses = pgTable(
  'courses',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    description: text('description').notNull(),
    /** Roles whose holders must take it; empty means everyone. */
    requiredRoles: json('required_roles').notNull(),
    /** Months a completion stays valid; null: never expires. */
    renewalMonths: integer('renewal_months'),
    status: text('status', { enum: ['active', 'retired'] }).notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('courses_workspace_name_uq').on(t.workspaceId, t.nameKey)],
);

export const trainingSessions = pgTable('training_sessions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  workspaceId: workspaceScope(),
  courseId: integer('course_id')
    .notNull()
    .references(() => courses.id),
  date: text('date').notNull(),
  trainer: text('trainer').notNull(),
  evidence: text('evidence'),
  recordedBy: integer('recorded_by')
    .notNull()
    .references(() => people.id),
  createdAt: text('created_at').notNull(),
});

export const trainingCompletions = pgTable(
  'training_completions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    date: text('date').notNull(),
    sessionId: integer('session_id').references(() => trainingSessions.id),
    selfAttested: boolean('self_attested').notNull(),
    evidence: text('evidence'),
    recordedBy: integer('recorded_by')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    // The same person, course and day is one completion, however often it is recorded.
    uniqueIndex('training_completions_person_course_date_uq').on(t.courseId, t.personId, t.date),
    index('training_completions_workspace_person_ix').on(t.workspaceId, t.personId),
  ],
);

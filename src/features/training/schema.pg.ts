import { boolean, index, integer, json, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
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
    index('training_completions_workspace_date_ix').on(t.workspaceId, t.date),
  ],
);

/** Each person's latest completion date per course, kept by triggers (see ./schema.ts). */
export const trainingLatest = pgTable(
  'training_latest',
  {
    workspaceId: workspaceScope(),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    date: text('date').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.personId, t.courseId] }),
    index('training_latest_workspace_course_date_ix').on(t.workspaceId, t.courseId, t.date),
  ],
);

/**
 * A maintained aggregate over training_latest, one row per person with a completion of any course: how
 * many active courses for everyone they hold a completion of, and the first day one of those lapses
 * (expiresOn of the latest, '9999-12-31' for courses never renewed). Kept by triggers on training_latest
 * and courses; a person counts as up to date on the courses for everyone when `courses` is their number
 * and `lapses` falls after today, so "people overdue" is one index range, not a read per person.
 */
export const trainingPeople = pgTable(
  'training_people',
  {
    workspaceId: workspaceScope(),
    personId: integer('person_id')
      .primaryKey()
      .references(() => people.id),
    courses: integer('courses').notNull(),
    lapses: text('lapses').notNull(),
  },
  (t) => [index('training_people_workspace_courses_lapses_ix').on(t.workspaceId, t.courses, t.lapses)],
);

/**
 * A maintained aggregate over training_latest: how many people's latest completion of a course falls on
 * each day (kept by the same triggers). Valid completions of a course are a sum over the days from its
 * countsFrom: a few hundred rows, not one per person.
 */
export const trainingLatestDays = pgTable(
  'training_latest_days',
  {
    workspaceId: workspaceScope(),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    date: text('date').notNull(),
    people: integer('people').notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.date] })],
);

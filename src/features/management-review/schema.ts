import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { workspaceScope } from '../../store/schema/columns.ts';
import { people } from '../../store/schema/directory.ts';

/** Management reviews (9.3): the inputs presented (a JSON snapshot), attendees, chair; locked once closed. */
export const managementReviews = sqliteTable(
  'management_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    number: integer('number').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    chairPersonId: integer('chair_person_id').references(() => people.id),
    openedByPersonId: integer('opened_by_person_id')
      .notNull()
      .references(() => people.id),
    openedAt: text('opened_at').notNull(),
    periodSince: text('period_since'),
    periodUntil: text('period_until').notNull(),
    /** JSON array of { section, text, ref? }. */
    inputs: text('inputs').notNull(),
    /** JSON array of person ids. */
    attendees: text('attendees').notNull(),
    closedAt: text('closed_at'),
    closedByPersonId: integer('closed_by_person_id').references(() => people.id),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('management_reviews_workspace_number_uq').on(t.workspaceId, t.number)],
);

/** The decisions of a review (9.3.3), numbered within it. */
export const managementReviewDecisions = sqliteTable(
  'management_review_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    reviewId: integer('review_id')
      .notNull()
      .references(() => managementReviews.id),
    number: integer('number').notNull(),
    text: text('text').notNull(),
    recordedByPersonId: integer('recorded_by_person_id')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('management_review_decisions_review_number_uq').on(t.reviewId, t.number)],
);

/** The actions of a review: owner and due date, nudged until done, carried into the next review's inputs while open. */
export const managementReviewActions = sqliteTable(
  'management_review_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    reviewId: integer('review_id')
      .notNull()
      .references(() => managementReviews.id),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    ownerPersonId: integer('owner_person_id')
      .notNull()
      .references(() => people.id),
    dueDate: text('due_date').notNull(),
    status: text('status', { enum: ['open', 'done'] }).notNull(),
    doneAt: text('done_at'),
    createdByPersonId: integer('created_by_person_id')
      .notNull()
      .references(() => people.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('management_review_actions_review_number_uq').on(t.reviewId, t.number),
    index('management_review_actions_workspace_status_ix').on(t.workspaceId, t.status),
  ],
);

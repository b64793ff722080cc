import { integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaceScope } from '../../store/schema-pg/columns.ts';

// The PostgreSQL twin of ./schema.ts: same tables, columns and indexes (test/store/schema-parity.test.ts).

/** First-run greetings sent: a person's first App Home open (Slack), a conversation the bot was installed in (Teams). */
export const firstRunGreetings = pgTable(
  'first_run_greetings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    workspaceId: workspaceScope(),
    /** "slack-home:U123", "teams-conversation:19:…". */
    subject: text('subject').notNull(),
    greetedAt: text('greeted_at').notNull(),
  },
  (t) => [uniqueIndex('first_run_greetings_subject_ux').on(t.workspaceId, t.subject)],
);

import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { workspaceScope } from '../../store/schema/columns.ts';

/** First-run greetings sent: a person's first App Home open (Slack), a conversation the bot was installed in (Teams). */
export const firstRunGreetings = sqliteTable(
  'first_run_greetings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceScope(),
    /** "slack-home:U123", "teams-conversation:19:…". */
    subject: text('subject').notNull(),
    greetedAt: text('greeted_at').notNull(),
  },
  (t) => [uniqueIndex('first_run_greetings_subject_ux').on(t.workspaceId, t.subject)],
);

import { integer, json, pgTable, text } from 'drizzle-orm/pg-core';
import { workspaces } from './directory.ts';

/** PostgreSQL twin of ../schema/settings.ts: one row per workspace once an admin has run setup. */
export const workspaceSettings = pgTable('workspace_settings', {
  workspaceId: integer('workspace_id')
    .primaryKey()
    .references(() => workspaces.id),
  incidentsChannel: json('incidents_channel'),
  approvalsChannel: json('approvals_channel'),
  leadershipChannel: json('leadership_channel'),
  defaultApprovals: integer('default_approvals').notNull().default(2),
  timeZone: text('time_zone'),
  /** Hour of the day (0-23, workspace time zone) the daily nudges go out. */
  nudgeHour: integer('nudge_hour').notNull().default(8),
  /** Day of the week (1 Monday .. 7 Sunday) and hour the weekly digest goes out. */
  digestWeekday: integer('digest_weekday').notNull().default(1),
  digestHour: integer('digest_hour').notNull().default(9),
  updatedAt: text('updated_at').notNull(),
});

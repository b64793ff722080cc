import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { workspaces } from './directory.ts';

/** One row per workspace once an admin has run setup. Channel columns hold JSON ChannelRefs. */
export const workspaceSettings = sqliteTable('workspace_settings', {
  workspaceId: integer('workspace_id')
    .primaryKey()
    .references(() => workspaces.id),
  incidentsChannel: text('incidents_channel', { mode: 'json' }),
  approvalsChannel: text('approvals_channel', { mode: 'json' }),
  leadershipChannel: text('leadership_channel', { mode: 'json' }),
  defaultApprovals: integer('default_approvals').notNull().default(2),
  timeZone: text('time_zone'),
  /** Hour of the day (0-23, workspace time zone) the daily nudges go out. */
  nudgeHour: integer('nudge_hour').notNull().default(8),
  /** Day of the week (1 Monday .. 7 Sunday) and hour the weekly digest goes out. */
  digestWeekday: integer('digest_weekday').notNull().default(1),
  digestHour: integer('digest_hour').notNull().default(9),
  updatedAt: text('updated_at').notNull(),
});

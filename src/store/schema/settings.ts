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
  updatedAt: text('updated_at').notNull(),
});

import { integer } from 'drizzle-orm/pg-core';
import { workspaces } from './directory.ts';

/** The workspace a row belongs to: every table but workspaces has one, and every query filters by it. */
export const workspaceScope = () =>
  integer('workspace_id')
    .notNull()
    .references(() => workspaces.id);

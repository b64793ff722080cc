import { eq } from 'drizzle-orm';
import type { SettingsRepository } from '../../core/ports.ts';
import type { ChannelRef, WorkspaceSettings } from '../../core/settings/workspace-settings.ts';
import type { Db } from '../database.ts';
import { workspaceSettings } from '../schema/settings.ts';

export class SqliteSettingsRepository implements SettingsRepository {
  constructor(private readonly db: Db) {}

  async get(workspaceId: number): Promise<WorkspaceSettings | undefined> {
    const row = this.db.select().from(workspaceSettings).where(eq(workspaceSettings.workspaceId, workspaceId)).get();
    if (!row) return undefined;
    return {
      ...row,
      incidentsChannel: (row.incidentsChannel as ChannelRef | null) ?? null,
      approvalsChannel: (row.approvalsChannel as ChannelRef | null) ?? null,
      leadershipChannel: (row.leadershipChannel as ChannelRef | null) ?? null,
    };
  }

  async save(settings: WorkspaceSettings): Promise<void> {
    const { workspaceId: _key, ...changes } = settings;
    void _key;
    this.db.insert(workspaceSettings).values(settings).onConflictDoUpdate({ target: workspaceSettings.workspaceId, set: changes }).run();
  }
}

import { eq } from 'drizzle-orm';
import type { SettingsRepository } from '../../core/ports.ts';
import type { ChannelRef, WorkspaceSettings } from '../../core/settings/workspace-settings.ts';
import { first, type StoreDb } from '../store-db.ts';
import { tables } from './kernel-tables.ts';

export class SettingsStore implements SettingsRepository {
  constructor(private readonly s: StoreDb) {}

  async get(workspaceId: number): Promise<WorkspaceSettings | undefined> {
    const { workspaceSettings } = tables(this.s);
    const row = first(await this.s.db.select().from(workspaceSettings).where(eq(workspaceSettings.workspaceId, workspaceId)).limit(1));
    if (!row) return undefined;
    return {
      ...row,
      incidentsChannel: (row.incidentsChannel as ChannelRef | null) ?? null,
      approvalsChannel: (row.approvalsChannel as ChannelRef | null) ?? null,
      leadershipChannel: (row.leadershipChannel as ChannelRef | null) ?? null,
    };
  }

  async save(settings: WorkspaceSettings): Promise<void> {
    const { workspaceSettings } = tables(this.s);
    const { workspaceId: _key, ...changes } = settings;
    void _key;
    await this.s.db.insert(workspaceSettings).values(settings).onConflictDoUpdate({ target: workspaceSettings.workspaceId, set: changes });
  }
}

import { and, eq, sql } from 'drizzle-orm';
import type { Platform, Workspace } from '../../core/identity.ts';
import type { WorkspaceRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { workspaces } from '../schema/directory.ts';

export class SqliteWorkspaceRepository implements WorkspaceRepository {
  constructor(private readonly db: Db) {}

  findByExternalId(platform: Platform, externalId: string): Workspace | undefined {
    return this.db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)))
      .get();
  }

  findById(id: number): Workspace | undefined {
    return this.db.select().from(workspaces).where(eq(workspaces.id, id)).get();
  }

  all(): Workspace[] {
    return this.db.select().from(workspaces).orderBy(workspaces.id).all();
  }

  insert(input: { platform: Platform; externalId: string; name: string | null; createdAt: string }): Workspace {
    return this.db.insert(workspaces).values(input).returning().get();
  }

  /** The workspace whose incident or release card was posted as this message (channel and ts / activity id). */
  ownerOfPost(platform: Platform, channelId: string, messageId: string): Workspace | undefined {
    const row = this.db.get<{ id: number } | undefined>(sql`
      SELECT w.id AS id FROM workspaces w
      WHERE w.platform = ${platform} AND w.id IN (
        SELECT i.workspace_id FROM incidents i, json_each(i.posts) p
          WHERE json_extract(p.value, '$.channelId') = ${channelId} AND json_extract(p.value, '$.messageId') = ${messageId}
        UNION
        SELECT r.workspace_id FROM releases r, json_each(r.posts) p
          WHERE json_extract(p.value, '$.channelId') = ${channelId} AND json_extract(p.value, '$.messageId') = ${messageId})
      LIMIT 1`);
    return row ? this.findById(row.id) : undefined;
  }

  rename(id: number, name: string): void {
    this.db.update(workspaces).set({ name }).where(eq(workspaces.id, id)).run();
  }
}

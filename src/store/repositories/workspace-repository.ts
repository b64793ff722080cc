import { and, eq } from 'drizzle-orm';
import type { Platform, Workspace } from '../../core/identity.ts';
import type { WorkspaceRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { workspaces } from '../schema/directory.ts';
import { postedMessages } from '../schema/posted-messages.ts';

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

  /** The workspace whose record's copy was posted as this message (channel and ts / activity id): one unique-index lookup. */
  ownerOfPost(platform: Platform, channelId: string, messageId: string): Workspace | undefined {
    const row = this.db
      .select({ workspaceId: postedMessages.workspaceId })
      .from(postedMessages)
      .where(and(eq(postedMessages.platform, platform), eq(postedMessages.channelId, channelId), eq(postedMessages.messageId, messageId)))
      .get();
    return row ? this.findById(row.workspaceId) : undefined;
  }

  rename(id: number, name: string): void {
    this.db.update(workspaces).set({ name }).where(eq(workspaces.id, id)).run();
  }
}

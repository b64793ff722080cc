import { and, eq } from 'drizzle-orm';
import type { Platform, Workspace } from '../../core/identity.ts';
import type { WorkspaceRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { workspaces } from '../schema/directory.ts';
import { postedMessages } from '../schema/posted-messages.ts';

export class SqliteWorkspaceRepository implements WorkspaceRepository {
  constructor(private readonly db: Db) {}

  async findByExternalId(platform: Platform, externalId: string): Promise<Workspace | undefined> {
    return this.db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)))
      .get();
  }

  async findById(id: number): Promise<Workspace | undefined> {
    return this.db.select().from(workspaces).where(eq(workspaces.id, id)).get();
  }

  async all(): Promise<Workspace[]> {
    return this.db.select().from(workspaces).orderBy(workspaces.id).all();
  }

  async insert(input: { platform: Platform; externalId: string; name: string | null; createdAt: string }): Promise<Workspace> {
    return this.db.insert(workspaces).values(input).returning().get();
  }

  /** The workspace whose record's copy was posted as this message (channel and ts / activity id): one unique-index lookup. */
  async ownerOfPost(platform: Platform, channelId: string, messageId: string): Promise<Workspace | undefined> {
    const row = this.db
      .select({ workspaceId: postedMessages.workspaceId })
      .from(postedMessages)
      .where(and(eq(postedMessages.platform, platform), eq(postedMessages.channelId, channelId), eq(postedMessages.messageId, messageId)))
      .get();
    return row ? await this.findById(row.workspaceId) : undefined;
  }

  async rename(id: number, name: string): Promise<void> {
    this.db.update(workspaces).set({ name }).where(eq(workspaces.id, id)).run();
  }
}

import { and, asc, eq } from 'drizzle-orm';
import type { Platform, Workspace } from '../../core/identity.ts';
import type { WorkspaceRepository } from '../../core/ports.ts';
import { first, type StoreDb } from '../store-db.ts';
import { inserted, tables } from './kernel-tables.ts';

export class WorkspaceStore implements WorkspaceRepository {
  constructor(private readonly s: StoreDb) {}

  async findByExternalId(platform: Platform, externalId: string): Promise<Workspace | undefined> {
    const { workspaces } = tables(this.s);
    return first(
      await this.s.db
        .select()
        .from(workspaces)
        .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)))
        .limit(1),
    );
  }

  async findById(id: number): Promise<Workspace | undefined> {
    const { workspaces } = tables(this.s);
    return first(await this.s.db.select().from(workspaces).where(eq(workspaces.id, id)).limit(1));
  }

  async all(): Promise<Workspace[]> {
    const { workspaces } = tables(this.s);
    return await this.s.db.select().from(workspaces).orderBy(asc(workspaces.id));
  }

  async insert(input: { platform: Platform; externalId: string; name: string | null; createdAt: string }): Promise<Workspace> {
    const { workspaces } = tables(this.s);
    return inserted(await this.s.db.insert(workspaces).values(input).returning(), 'workspaces');
  }

  /** The workspace whose record's copy was posted as this message (channel and ts / activity id): one unique-index lookup. */
  async ownerOfPost(platform: Platform, channelId: string, messageId: string): Promise<Workspace | undefined> {
    const { postedMessages } = tables(this.s);
    const row = first(
      await this.s.db
        .select({ workspaceId: postedMessages.workspaceId })
        .from(postedMessages)
        .where(and(eq(postedMessages.platform, platform), eq(postedMessages.channelId, channelId), eq(postedMessages.messageId, messageId)))
        .limit(1),
    );
    return row ? await this.findById(row.workspaceId) : undefined;
  }

  async rename(id: number, name: string): Promise<void> {
    const { workspaces } = tables(this.s);
    await this.s.db.update(workspaces).set({ name }).where(eq(workspaces.id, id));
  }
}

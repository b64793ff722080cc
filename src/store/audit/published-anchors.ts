import { asc, eq, sql } from 'drizzle-orm';
import type { PublishedAnchor } from '../../core/audit.ts';
import { tables } from '../repositories/kernel-tables.ts';
import type { StoreDb } from '../store-db.ts';

/** Every published head, oldest first, across workspaces, each named by its workspace (for the admin CLI). */
export async function publishedAnchors(s: StoreDb): Promise<Array<PublishedAnchor & { workspace: string }>> {
  const { publishedAnchors: a, workspaces: w } = tables(s);
  return await s.db
    .select({
      id: a.id,
      workspaceId: a.workspaceId,
      chain: a.chain,
      sequence: a.sequence,
      hash: a.hash,
      channelId: a.channelId,
      channelName: a.channelName,
      messageId: a.messageId,
      source: a.source,
      publishedAt: a.publishedAt,
      workspace: sql<string>`${w.platform} || ':' || coalesce(${w.name}, ${w.externalId})`,
    })
    .from(a)
    .innerJoin(w, eq(w.id, a.workspaceId))
    .orderBy(asc(a.id));
}

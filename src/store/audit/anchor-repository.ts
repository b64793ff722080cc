import { and, count, desc, eq, gt, notLike } from 'drizzle-orm';
import type { PublishedAnchor } from '../../core/audit.ts';
import type { AnchorRepository } from '../../core/ports.ts';
import { inserted, tables } from '../repositories/kernel-tables.ts';
import { first, type StoreDb } from '../store-db.ts';

export class AnchorStore implements AnchorRepository {
  constructor(private readonly s: StoreDb) {}

  async insert(input: Omit<PublishedAnchor, 'id'>): Promise<PublishedAnchor> {
    const { publishedAnchors } = tables(this.s);
    return inserted(await this.s.db.insert(publishedAnchors).values(input).returning(), 'published_anchors');
  }

  async list(workspaceId: number, limit: number): Promise<PublishedAnchor[]> {
    const { publishedAnchors } = tables(this.s);
    return await this.s.db
      .select()
      .from(publishedAnchors)
      .where(eq(publishedAnchors.workspaceId, workspaceId))
      .orderBy(desc(publishedAnchors.id))
      .limit(limit);
  }

  async changesSinceLastAnchor(workspaceId: number): Promise<number> {
    const { auditEvents, publishedAnchors } = tables(this.s);
    const last = first(
      await this.s.db
        .select({ sequence: publishedAnchors.sequence })
        .from(publishedAnchors)
        .where(and(eq(publishedAnchors.workspaceId, workspaceId), eq(publishedAnchors.chain, workspaceId)))
        .orderBy(desc(publishedAnchors.sequence))
        .limit(1),
    );
    // Heads of the workspace's own chain only (one published before the cut-over is of the global chain).
    // The jobs' own bookkeeping (claims, sends, anchors) is not a change worth anchoring.
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.chain, workspaceId),
            gt(auditEvents.sequence, last?.sequence ?? 0),
            notLike(auditEvents.action, 'job.%'),
            notLike(auditEvents.action, 'audit.%'),
          ),
        ),
    );
    return row?.n ?? 0;
  }
}

import { and, desc, eq, gt, notLike, count } from 'drizzle-orm';
import type { PublishedAnchor } from '../../core/audit.ts';
import type { AnchorRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { publishedAnchors } from '../schema/anchors.ts';
import { auditEvents } from '../schema/audit.ts';

export class SqliteAnchorRepository implements AnchorRepository {
  constructor(private readonly db: Db) {}

  async insert(input: Omit<PublishedAnchor, 'id'>): Promise<PublishedAnchor> {
    return this.db.insert(publishedAnchors).values(input).returning().get();
  }

  async list(workspaceId: number, limit: number): Promise<PublishedAnchor[]> {
    return this.db
      .select()
      .from(publishedAnchors)
      .where(eq(publishedAnchors.workspaceId, workspaceId))
      .orderBy(desc(publishedAnchors.id))
      .limit(limit)
      .all();
  }

  async changesSinceLastAnchor(workspaceId: number): Promise<number> {
    const last = this.db
      .select({ sequence: publishedAnchors.sequence })
      .from(publishedAnchors)
      .where(eq(publishedAnchors.workspaceId, workspaceId))
      .orderBy(desc(publishedAnchors.sequence))
      .limit(1)
      .get();
    // The jobs' own bookkeeping (claims, sends, anchors) is not a change worth anchoring.
    const row = this.db
      .select({ n: count() })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.workspaceId, workspaceId),
          gt(auditEvents.sequence, last?.sequence ?? 0),
          notLike(auditEvents.action, 'job.%'),
          notLike(auditEvents.action, 'audit.%'),
        ),
      )
      .get();
    return row?.n ?? 0;
  }
}

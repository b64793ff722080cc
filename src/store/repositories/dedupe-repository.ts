import { eq, lt } from 'drizzle-orm';
import type { DedupeRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { inboundDedupeKeys } from '../schema/dedupe.ts';

export class SqliteDedupeRepository implements DedupeRepository {
  constructor(private readonly db: Db) {}

  claim(key: string, workspaceId: number | null, at: string, outcome?: unknown, requestHash?: string): boolean {
    // The primary key decides, not a read-then-write: two concurrent retries cannot both win.
    const result = this.db
      .insert(inboundDedupeKeys)
      .values({ key, workspaceId, firstSeenAt: at, outcome: outcome ?? null, requestHash: requestHash ?? null })
      .onConflictDoNothing()
      .run();
    return result.changes === 1;
  }

  outcomeOf(key: string): unknown {
    return this.find(key)?.outcome ?? undefined;
  }

  find(key: string): { outcome: unknown; requestHash: string | null } | undefined {
    return this.db
      .select({ outcome: inboundDedupeKeys.outcome, requestHash: inboundDedupeKeys.requestHash })
      .from(inboundDedupeKeys)
      .where(eq(inboundDedupeKeys.key, key))
      .get();
  }

  forget(key: string): void {
    this.db.delete(inboundDedupeKeys).where(eq(inboundDedupeKeys.key, key)).run();
  }

  pruneBefore(at: string): number {
    return this.db.delete(inboundDedupeKeys).where(lt(inboundDedupeKeys.firstSeenAt, at)).run().changes;
  }
}

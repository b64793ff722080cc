import { eq, lt } from 'drizzle-orm';
import type { DedupeRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { inboundDedupeKeys } from '../schema/dedupe.ts';

export class SqliteDedupeRepository implements DedupeRepository {
  constructor(private readonly db: Db) {}

  async claim(key: string, workspaceId: number | null, at: string, outcome?: unknown, requestHash?: string): Promise<boolean> {
    // The primary key decides, not a read-then-write: two concurrent retries cannot both win.
    const result = this.db
      .insert(inboundDedupeKeys)
      .values({ key, workspaceId, firstSeenAt: at, outcome: outcome ?? null, requestHash: requestHash ?? null })
      .onConflictDoNothing()
      .run();
    return result.changes === 1;
  }

  async outcomeOf(key: string): Promise<unknown> {
    return (await this.find(key))?.outcome ?? undefined;
  }

  async find(key: string): Promise<{ outcome: unknown; requestHash: string | null } | undefined> {
    return this.db
      .select({ outcome: inboundDedupeKeys.outcome, requestHash: inboundDedupeKeys.requestHash })
      .from(inboundDedupeKeys)
      .where(eq(inboundDedupeKeys.key, key))
      .get();
  }

  async forget(key: string): Promise<void> {
    this.db.delete(inboundDedupeKeys).where(eq(inboundDedupeKeys.key, key)).run();
  }

  async pruneBefore(at: string): Promise<number> {
    return this.db.delete(inboundDedupeKeys).where(lt(inboundDedupeKeys.firstSeenAt, at)).run().changes;
  }
}

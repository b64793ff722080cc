import { eq, lt, sql } from 'drizzle-orm';
import type { DedupeRepository } from '../../core/ports.ts';
import { changedRows, first, runPrepared, type StoreDb } from '../store-db.ts';
import { tables } from './kernel-tables.ts';

export class DedupeStore implements DedupeRepository {
  constructor(private readonly s: StoreDb) {}

  async claim(key: string, workspaceId: number | null, at: string, outcome?: unknown, requestHash?: string): Promise<boolean> {
    const { inboundDedupeKeys } = tables(this.s);
    // The primary key decides, not a read-then-write: two concurrent retries cannot both win.
    const result = await this.s.db
      .insert(inboundDedupeKeys)
      .values({ key, workspaceId, firstSeenAt: at, outcome: outcome ?? null, requestHash: requestHash ?? null })
      .onConflictDoNothing();
    return changedRows(result) === 1;
  }

  async outcomeOf(key: string): Promise<unknown> {
    return (await this.find(key))?.outcome ?? undefined;
  }

  async find(key: string): Promise<{ outcome: unknown; requestHash: string | null } | undefined> {
    const { inboundDedupeKeys } = tables(this.s);
    // Read on every request with a key: prepared once per connection.
    return first(
      await runPrepared<{ outcome: unknown; requestHash: string | null }>(
        this.s,
        'dedupe_find',
        () =>
          this.s.db
            .select({ outcome: inboundDedupeKeys.outcome, requestHash: inboundDedupeKeys.requestHash })
            .from(inboundDedupeKeys)
            .where(eq(inboundDedupeKeys.key, sql.placeholder('key')))
            .limit(1),
        { key },
      ),
    );
  }

  async forget(key: string): Promise<void> {
    const { inboundDedupeKeys } = tables(this.s);
    await this.s.db.delete(inboundDedupeKeys).where(eq(inboundDedupeKeys.key, key));
  }

  async pruneBefore(at: string): Promise<number> {
    const { inboundDedupeKeys } = tables(this.s);
    return changedRows(await this.s.db.delete(inboundDedupeKeys).where(lt(inboundDedupeKeys.firstSeenAt, at)));
  }
}

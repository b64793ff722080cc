import { and, asc, count, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { OutboxInput, OutboxMessage, OutboxStatus } from '../../core/outbox/outbox.ts';
import type { OutboxRepository, OutboxSummary } from '../../core/ports.ts';
import { changedRows, first, runPrepared, type StoreDb } from '../store-db.ts';
import { tables } from './kernel-tables.ts';

export class OutboxStore implements OutboxRepository {
  constructor(private readonly s: StoreDb) {}

  async insert(input: OutboxInput): Promise<void> {
    const { outboxMessages } = tables(this.s);
    // The partial unique indexes decide: a second post of a card, or a second waiting refresh of a copy, is a no-op.
    await this.s.db.insert(outboxMessages).values(input).onConflictDoNothing();
  }

  async findById(id: number): Promise<OutboxMessage | undefined> {
    const { outboxMessages } = tables(this.s);
    return first(await this.s.db.select().from(outboxMessages).where(eq(outboxMessages.id, id)).limit(1));
  }

  async due(now: string, limit: number, subject?: string, afterId?: number): Promise<OutboxMessage[]> {
    const { outboxMessages } = tables(this.s);
    return await this.s.db
      .select()
      .from(outboxMessages)
      .where(
        and(
          eq(outboxMessages.status, 'pending'),
          or(isNull(outboxMessages.nextAttemptAt), lte(outboxMessages.nextAttemptAt, now)),
          subject === undefined ? undefined : eq(outboxMessages.subject, subject),
          afterId === undefined ? undefined : gt(outboxMessages.id, afterId),
        ),
      )
      .orderBy(asc(outboxMessages.id))
      .limit(limit);
  }

  async take(id: number, now: string, takenBy: string, staleBefore: string): Promise<boolean> {
    const m = tables(this.s).outboxMessages;
    const takeable = or(
      and(eq(m.status, 'pending'), or(isNull(m.nextAttemptAt), lte(m.nextAttemptAt, now))),
      and(eq(m.status, 'sending'), lt(m.takenAt, staleBefore)),
    );
    // Updates of one posted copy go out one at a time, in order: an older render must not land after a newer one.
    const copyBusy = sql`EXISTS (SELECT 1 FROM outbox_messages o WHERE o.kind = 'update' AND o.subject = ${m.subject} AND o.target = ${m.target} AND o.detail = ${m.detail} AND o.status = 'sending' AND o.id <> ${m.id} AND o.taken_at >= ${staleBefore})`;
    const result = await this.s.db
      .update(m)
      .set({ status: 'sending', attempts: sql`${m.attempts} + 1`, takenAt: now, takenBy })
      .where(and(eq(m.id, id), takeable, or(sql`${m.kind} <> 'update'`, sql`NOT ${copyBusy}`)));
    return changedRows(result) === 1;
  }

  async settle(
    id: number,
    changes: { status: OutboxStatus; sentAt: string | null; lastError: string | null; nextAttemptAt: string | null },
  ): Promise<void> {
    const { outboxMessages } = tables(this.s);
    const status = changes.status === 'pending' && (await this.hasWaitingSibling(id)) ? 'superseded' : changes.status;
    await this.s.db
      .update(outboxMessages)
      .set({ ...changes, status })
      .where(eq(outboxMessages.id, id));
  }

  /** An update whose copy got a newer waiting update while it was out: that one will show the latest state. */
  private async hasWaitingSibling(id: number): Promise<boolean> {
    const row = await this.findById(id);
    if (!row || row.kind !== 'update') return false;
    const m = tables(this.s).outboxMessages;
    const sibling = first(
      await this.s.db
        .select({ id: m.id })
        .from(m)
        .where(
          and(
            eq(m.kind, 'update'),
            eq(m.subject, row.subject),
            eq(m.target, row.target),
            eq(m.detail, row.detail ?? ''),
            eq(m.status, 'pending'),
          ),
        )
        .limit(1),
    );
    return sibling !== undefined;
  }

  async sending(): Promise<OutboxMessage[]> {
    const { outboxMessages } = tables(this.s);
    return await this.s.db.select().from(outboxMessages).where(eq(outboxMessages.status, 'sending'));
  }

  async release(id: number, takenBy: string): Promise<boolean> {
    const { outboxMessages } = tables(this.s);
    const mine = and(eq(outboxMessages.id, id), eq(outboxMessages.status, 'sending'), eq(outboxMessages.takenBy, takenBy));
    if (await this.hasWaitingSibling(id))
      return changedRows(await this.s.db.update(outboxMessages).set({ status: 'superseded' }).where(mine)) === 1;
    return changedRows(await this.s.db.update(outboxMessages).set({ status: 'pending', nextAttemptAt: null }).where(mine)) === 1;
  }

  async ofSubject(workspaceId: number, subject: string): Promise<OutboxMessage[]> {
    const { outboxMessages } = tables(this.s);
    return await this.s.db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.workspaceId, workspaceId), eq(outboxMessages.subject, subject)))
      .orderBy(asc(outboxMessages.id));
  }

  async summary(workspaceId?: number): Promise<OutboxSummary> {
    const m = tables(this.s).outboxMessages;
    const scope = workspaceId === undefined ? undefined : eq(m.workspaceId, workspaceId);
    const countsOf = (where: ReturnType<typeof eq> | undefined) =>
      this.s.db
        .select({ status: m.status, n: count(), oldest: sql<string | null>`min(${m.createdAt})` })
        .from(m)
        .where(and(where, inArray(m.status, ['pending', 'sending', 'failed'])))
        .groupBy(m.status);
    // A workspace's counts are read on every status: prepared once (SQLite) or as a named statement (PostgreSQL).
    const counts =
      workspaceId === undefined
        ? await countsOf(undefined)
        : await runPrepared<{ status: OutboxStatus; n: number; oldest: string | null }>(
            this.s,
            'outbox_workspace_counts',
            () => countsOf(eq(m.workspaceId, sql.placeholder('workspaceId'))),
            { workspaceId },
          );
    const of = (status: OutboxStatus) => counts.find((row) => row.status === status);
    const waiting = [of('pending')?.oldest, of('sending')?.oldest].filter((at): at is string => typeof at === 'string').sort();
    // Nothing waiting or failed (the usual case, read on every status): no second query.
    const latest =
      counts.length === 0
        ? []
        : await this.s.db
            .select({
              id: m.id,
              workspaceId: m.workspaceId,
              kind: m.kind,
              subject: m.subject,
              target: m.target,
              status: m.status,
              attempts: m.attempts,
              lastError: m.lastError,
              createdAt: m.createdAt,
            })
            .from(m)
            .where(and(scope, inArray(m.status, ['pending', 'sending', 'failed'])))
            .orderBy(desc(m.id))
            .limit(10);
    return {
      pending: of('pending')?.n ?? 0,
      sending: of('sending')?.n ?? 0,
      failed: of('failed')?.n ?? 0,
      oldestWaiting: waiting[0] ?? null,
      latest,
    };
  }
}

import { and, asc, eq } from 'drizzle-orm';
import type { PostedCopy, PostedCopyInput } from '../../core/posted/posted-copy.ts';
import type { PostedMessageRepository } from '../../core/ports.ts';
import type { postedMessages } from '../schema/posted-messages.ts';
import { first, type StoreDb } from '../store-db.ts';
import { inserted, tables } from './kernel-tables.ts';

type Row = typeof postedMessages.$inferSelect;

const copyOf = (row: Row): PostedCopy => {
  const { reference, ...rest } = row;
  return reference === null || reference === undefined ? rest : { ...rest, reference };
};

export class PostedMessageStore implements PostedMessageRepository {
  constructor(private readonly s: StoreDb) {}

  async record(input: PostedCopyInput): Promise<PostedCopy> {
    const { postedMessages } = tables(this.s);
    const values = { ...input, reference: input.reference ?? null };
    const rows = await this.s.db
      .insert(postedMessages)
      .values(values)
      .onConflictDoUpdate({
        target: [postedMessages.platform, postedMessages.channelId, postedMessages.messageId],
        set: { subject: values.subject, purpose: values.purpose, reference: values.reference, workspaceId: values.workspaceId },
      })
      .returning();
    return copyOf(inserted(rows, 'posted_messages'));
  }

  async ofSubject(workspaceId: number, subject: string): Promise<PostedCopy[]> {
    const { postedMessages } = tables(this.s);
    const rows = await this.s.db
      .select()
      .from(postedMessages)
      .where(and(eq(postedMessages.workspaceId, workspaceId), eq(postedMessages.subject, subject)))
      .orderBy(asc(postedMessages.id));
    return rows.map(copyOf);
  }

  async find(workspaceId: number, subject: string, channelId: string, messageId: string): Promise<PostedCopy | undefined> {
    const { postedMessages } = tables(this.s);
    const row = first(
      await this.s.db
        .select()
        .from(postedMessages)
        .where(
          and(
            eq(postedMessages.workspaceId, workspaceId),
            eq(postedMessages.subject, subject),
            eq(postedMessages.channelId, channelId),
            eq(postedMessages.messageId, messageId),
          ),
        )
        .limit(1),
    );
    return row ? copyOf(row) : undefined;
  }
}

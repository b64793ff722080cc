import { and, asc, eq } from 'drizzle-orm';
import type { PostedCopy, PostedCopyInput } from '../../core/posted/posted-copy.ts';
import type { PostedMessageRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { postedMessages } from '../schema/posted-messages.ts';

type Row = typeof postedMessages.$inferSelect;

const copyOf = (row: Row): PostedCopy => {
  const { reference, ...rest } = row;
  return reference === null || reference === undefined ? rest : { ...rest, reference };
};

export class SqlitePostedMessageRepository implements PostedMessageRepository {
  constructor(private readonly db: Db) {}

  async record(input: PostedCopyInput): Promise<PostedCopy> {
    const values = { ...input, reference: input.reference ?? null };
    const row = this.db
      .insert(postedMessages)
      .values(values)
      .onConflictDoUpdate({
        target: [postedMessages.platform, postedMessages.channelId, postedMessages.messageId],
        set: { subject: values.subject, purpose: values.purpose, reference: values.reference, workspaceId: values.workspaceId },
      })
      .returning()
      .get();
    return copyOf(row);
  }

  async ofSubject(workspaceId: number, subject: string): Promise<PostedCopy[]> {
    return this.db
      .select()
      .from(postedMessages)
      .where(and(eq(postedMessages.workspaceId, workspaceId), eq(postedMessages.subject, subject)))
      .orderBy(asc(postedMessages.id))
      .all()
      .map(copyOf);
  }

  async find(workspaceId: number, subject: string, channelId: string, messageId: string): Promise<PostedCopy | undefined> {
    const row = this.db
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
      .get();
    return row ? copyOf(row) : undefined;
  }
}

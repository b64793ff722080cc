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

  record(input: PostedCopyInput): PostedCopy {
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

  ofSubject(workspaceId: number, subject: string): PostedCopy[] {
    return this.db
      .select()
      .from(postedMessages)
      .where(and(eq(postedMessages.workspaceId, workspaceId), eq(postedMessages.subject, subject)))
      .orderBy(asc(postedMessages.id))
      .all()
      .map(copyOf);
  }

  find(workspaceId: number, subject: string, channelId: string, messageId: string): PostedCopy | undefined {
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

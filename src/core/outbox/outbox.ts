import type { Clock } from '../clock.ts';
import type { Platform } from '../identity.ts';
import type { OutboxSummary, Repositories, UnitOfWork } from '../ports.ts';
import { personalPurpose, type PersonalCopy, type PostedCopy, type PostedCopyInput } from '../posted/posted-copy.ts';
import { CHANNEL_COLUMN, type ChannelPurpose } from '../settings/workspace-settings.ts';

/**
 * A message owed to a chat platform because of a state change, written in the change's own
 * transaction and sent after commit. Neutral: what to send is rendered from the record at send time.
 * - post: a new card of `subject` to the channel of purpose `target` (recorded on the record once posted)
 * - update: refresh the posted copy `target` (channel id) / `detail` (message id) of `subject`
 * - direct: a direct message about `subject` to person `target` (id); `detail` says which notice
 * Every copy that lands (channel card, leadership copy, a person's copy, a notice) is recorded in
 * posted_messages, and every change of the record refreshes all of them.
 */
export type OutboxKind = 'post' | 'update' | 'direct';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'superseded';

export interface OutboxMessage {
  id: number;
  workspaceId: number;
  kind: OutboxKind;
  /** "incident:12" or "release:3" (record ids, not numbers). */
  subject: string;
  target: string;
  detail: string | null;
  status: OutboxStatus;
  attempts: number;
  /** Not before this instant (a retry's backoff); null: as soon as possible. */
  nextAttemptAt: string | null;
  takenAt: string | null;
  /** Which process took it for sending (to hand back what a dead process left). */
  takenBy: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export type OutboxInput = Pick<OutboxMessage, 'workspaceId' | 'kind' | 'subject' | 'target' | 'detail' | 'createdAt'>;

/** Which notice a direct message is ("release.decided"): named by the area that queues and renders it. */
export type DirectNotice = string;

/** What an outbox message is about: an area's record type ("incident", "release", "training-session"). */
export type OutboxSubjectType = string;

export const subjectOf = (type: OutboxSubjectType, id: number) => `${type}:${id}`;

export function parseSubject(subject: string): { type: OutboxSubjectType; id: number } | undefined {
  const match = /^([a-z][a-z-]*):(\d+)$/.exec(subject);
  return match ? { type: match[1] as string, id: Number(match[2]) } : undefined;
}

/** How people name a record of one subject type ("INC-3"), for status and `aims jobs list`. */
export type RecordLabel = (repos: Repositories, workspaceId: number, id: number) => Promise<string> | string;

/** Queues a new card of a record to the channels of these purposes that are set up; returns the purposes queued. */
export async function queuePosts(
  repos: Repositories,
  workspaceId: number,
  subject: string,
  purposes: ChannelPurpose[],
  at: string,
): Promise<ChannelPurpose[]> {
  const settings = await repos.settings.get(workspaceId);
  const queued = purposes.filter((purpose) => settings?.[CHANNEL_COLUMN[purpose]]);
  for (const purpose of queued)
    await repos.outbox.insert({ workspaceId, kind: 'post', subject, target: purpose, detail: null, createdAt: at });
  return queued;
}

/** Queues a refresh of every tracked copy of a record (a copy with a refresh already waiting is left to it). */
export async function queueRefresh(repos: Repositories, workspaceId: number, subject: string, at: string): Promise<void> {
  await queueCopyRefreshes(repos, workspaceId, subject, await repos.posted.ofSubject(workspaceId, subject), at);
}

async function queueCopyRefreshes(
  repos: Repositories,
  workspaceId: number,
  subject: string,
  copies: ReadonlyArray<{ channelId: string; messageId: string }>,
  at: string,
): Promise<void> {
  for (const copy of copies)
    await repos.outbox.insert({ workspaceId, kind: 'update', subject, target: copy.channelId, detail: copy.messageId, createdAt: at });
}

/** Remembers a copy of a record that was not posted by the outbox (the card a Teams form turned into, in place). */
export async function recordCopy(repos: Repositories, copy: Omit<PostedCopyInput, 'platform'>): Promise<void> {
  const platform = (await repos.workspaces.findById(copy.workspaceId))?.platform;
  if (platform) await repos.posted.record({ ...copy, platform });
}

/** Queues a direct message about a record to a person. */
export async function queueDirect(
  repos: Repositories,
  workspaceId: number,
  subject: string,
  personId: number,
  notice: DirectNotice,
  at: string,
): Promise<void> {
  await repos.outbox.insert({ workspaceId, kind: 'direct', subject, target: String(personId), detail: notice, createdAt: at });
}

/**
 * Keeps the personal copy of a record for the person who filed it, rendered as `notice`: a direct
 * message queued now, or the in-place card recorded as a copy (both refreshed by every later change).
 */
export async function keepPersonalCopy(
  repos: Repositories,
  workspaceId: number,
  subject: string,
  personId: number,
  notice: DirectNotice,
  copy: PersonalCopy,
  at: string,
): Promise<void> {
  if (copy.kind === 'direct') await queueDirect(repos, workspaceId, subject, personId, notice, at);
  else if (copy.kind === 'in-place')
    await recordCopy(repos, {
      workspaceId,
      subject,
      purpose: personalPurpose(notice, personId),
      channelId: copy.channelId,
      messageId: copy.messageId,
      ...(copy.reference === undefined ? {} : { reference: copy.reference }),
      createdAt: at,
    });
}

/** A message "sending" for longer than this was left by a process that died; it is taken again. */
export const OUTBOX_STALE_MS = 10 * 60_000;

/**
 * The outbox's bookkeeping: take a message for sending (one process wins), settle it, schedule a
 * retry or give up. Times come from the caller's clock (the sender's wall clock).
 */
export class OutboxService {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Messages due now (pending and past their backoff), oldest first; `subject` narrows to one record, `afterId` pages on. */
  async due(now: Date, limit: number, subject?: string, afterId?: number): Promise<OutboxMessage[]> {
    return await this.store.read(async (repos) => await repos.outbox.due(now.toISOString(), limit, subject, afterId));
  }

  /** pending (due) or stale sending -> sending; the message as taken, or undefined when another process has it. */
  async take(id: number, now: Date, takenBy: string): Promise<OutboxMessage | undefined> {
    const staleBefore = new Date(now.getTime() - OUTBOX_STALE_MS).toISOString();
    return await this.store.write(async (repos) =>
      (await repos.outbox.take(id, now.toISOString(), takenBy, staleBefore)) ? await repos.outbox.findById(id) : undefined,
    );
  }

  /** Marks a message sent, recording the copy it left (if any); `alongside` runs in the same transaction. */
  async markSent(
    message: OutboxMessage,
    now: Date,
    copy?: Omit<PostedCopyInput, 'platform' | 'createdAt'>,
    alongside?: () => Promise<void>,
  ): Promise<void> {
    await this.store.write(async (repos) => {
      if (copy) await recordCopy(repos, { ...copy, createdAt: now.toISOString() });
      await alongside?.();
      await repos.outbox.settle(message.id, { status: 'sent', sentAt: now.toISOString(), lastError: null, nextAttemptAt: null });
    });
  }

  /** Back to pending after a failed attempt, not before `nextAttemptAt`. */
  async retryLater(message: OutboxMessage, error: string, nextAttemptAt: Date): Promise<void> {
    await this.store.write(
      async (repos) =>
        await repos.outbox.settle(message.id, {
          status: 'pending',
          sentAt: null,
          lastError: error.slice(0, 500),
          nextAttemptAt: nextAttemptAt.toISOString(),
        }),
    );
  }

  /** Gives up on a message (audited: a card or notice that never went out is evidence too). */
  async markFailed(message: OutboxMessage, error: string): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => {
      await repos.outbox.settle(message.id, { status: 'failed', sentAt: null, lastError: error.slice(0, 500), nextAttemptAt: null });
      await repos.audit.append(
        {
          workspaceId: message.workspaceId,
          actorPersonId: null,
          actor: 'system:outbox',
          action: 'outbox.failed',
          subject: message.subject,
          before: null,
          after: {
            outboxId: message.id,
            kind: message.kind,
            target: message.target,
            attempts: message.attempts,
            error: error.slice(0, 200),
          },
        },
        at,
      );
    });
  }

  /** Hands messages left "sending" by a process that is gone back to pending; returns how many. */
  async releaseAbandoned(isGone: (takenBy: string) => boolean): Promise<number> {
    return await this.store.write(async (repos) => {
      let released = 0;
      for (const message of await repos.outbox.sending()) {
        if (message.takenBy && isGone(message.takenBy) && (await repos.outbox.release(message.id, message.takenBy))) released += 1;
      }
      return released;
    });
  }

  /** The messages of one record (to tell someone what became of the posts of what they just did). */
  async of(workspaceId: number, subject: string): Promise<OutboxMessage[]> {
    return await this.store.read(async (repos) => await repos.outbox.ofSubject(workspaceId, subject));
  }

  /** Queues a refresh of one posted copy outside a change (a post that raced a change shows an older state). */
  async queueUpdate(workspaceId: number, subject: string, post: { channelId: string; messageId: string }): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.store.write(async (repos) => await queueCopyRefreshes(repos, workspaceId, subject, [post], at));
  }

  /** The tracked copy of a record at this message, if it is one. */
  async copy(workspaceId: number, subject: string, channelId: string, messageId: string): Promise<PostedCopy | undefined> {
    return await this.store.read(async (repos) => await repos.posted.find(workspaceId, subject, channelId, messageId));
  }

  /** Every tracked copy of a record. */
  async copies(workspaceId: number, subject: string): Promise<PostedCopy[]> {
    return await this.store.read(async (repos) => await repos.posted.ofSubject(workspaceId, subject));
  }

  async platformOf(workspaceId: number): Promise<Platform | undefined> {
    return await this.store.read(async (repos) => (await repos.workspaces.findById(workspaceId))?.platform);
  }

  /** What is waiting or failed, for `/aims status` (one workspace) and `aims jobs list` (all). */
  async summary(workspaceId?: number): Promise<OutboxSummary> {
    return await this.store.read(async (repos) => await repos.outbox.summary(workspaceId));
  }
}

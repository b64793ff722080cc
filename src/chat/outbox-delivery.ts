import { parseSubject, type OutboxMessage, type OutboxService } from '../core/outbox/outbox.ts';
import { parsePurpose, personalPurpose, type PostedCopy } from '../core/posted/posted-copy.ts';
import { CHANNEL_COLUMN, CHANNEL_PURPOSES, type ChannelPurpose } from '../core/settings/workspace-settings.ts';
import { PermanentDeliveryError, type ChannelMessenger } from './channel-messenger.ts';
import type { ChatServices } from './chat-services.ts';
import type { OutboxSubjectSpec } from './feature.ts';
import type { MessageView } from './views/view.ts';

const same = (a: MessageView | undefined, b: MessageView | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Sends one outbox message: renders it from the committed state now, through what the record's area
 * declared for its subject type (its card, its notices), sends it through the platform's messenger,
 * and settles it, recording the copy it left in posted_messages in the same transaction.
 * Throws when sending failed; the sender decides about retries.
 */
export class OutboxDelivery {
  constructor(
    private readonly services: ChatServices,
    private readonly outbox: OutboxService,
    private readonly subjects: ReadonlyMap<string, OutboxSubjectSpec>,
  ) {}

  /** Sends a taken message; returns a link to a new post where the platform gives one. */
  async deliver(message: OutboxMessage, messenger: ChannelMessenger, now: () => Date): Promise<string | undefined> {
    const subject = parseSubject(message.subject);
    const spec = subject ? this.subjects.get(subject.type) : undefined;
    if (!subject || !spec) throw new PermanentDeliveryError(`unknown outbox subject ${message.subject}`);
    const { workspaceId } = message;
    const card = async () => await spec.card?.(this.services, workspaceId, subject.id);
    const notice = async (name: string) => await spec.notice?.(this.services, workspaceId, subject.id, name);
    const copyOf = (purpose: string, posted: { channelId: string; messageId: string; reference?: unknown }) => ({
      workspaceId,
      subject: message.subject,
      purpose,
      channelId: posted.channelId,
      messageId: posted.messageId,
      ...(posted.reference === undefined ? {} : { reference: posted.reference }),
    });
    switch (message.kind) {
      case 'post': {
        const purpose = CHANNEL_PURPOSES.find((p) => p === message.target) as ChannelPurpose | undefined;
        const channel = purpose ? (await this.services.settings.get(workspaceId))[CHANNEL_COLUMN[purpose]] : null;
        if (!channel) throw new PermanentDeliveryError(`the ${message.target} channel is not set up`);
        const view = await card();
        if (!view) throw new PermanentDeliveryError(`${message.subject} no longer exists`);
        const posted = await messenger.post(channel, view);
        await this.outbox.markSent(message, now(), copyOf(message.target, posted), async () => {
          await spec.recordPost?.(this.services, workspaceId, subject.id, message.target, posted);
          // A change committed while this card was on its way: the new copy gets refreshed too.
          if (!same(await card(), view)) await this.outbox.queueUpdate(workspaceId, message.subject, posted);
        });
        return posted.link;
      }
      case 'update': {
        const copy = await this.outbox.copy(workspaceId, message.subject, message.target, message.detail ?? '');
        const view = copy ? await this.render(copy, card, notice) : undefined;
        if (!copy || !view)
          throw new PermanentDeliveryError(`no posted copy ${message.target}/${message.detail ?? ''} of ${message.subject}`);
        await messenger.update(copy, view);
        await this.outbox.markSent(message, now());
        return undefined;
      }
      case 'direct': {
        const person = await this.services.directory.personById(workspaceId, Number(message.target));
        const name = message.detail ?? '';
        const view = person ? await notice(name) : undefined;
        if (!person || !view) throw new PermanentDeliveryError(`nobody to tell about ${message.subject}`);
        const posted = await messenger.direct(person, view);
        await this.outbox.markSent(message, now(), copyOf(personalPurpose(name, person.id), posted), async () => {
          // The record changed while this message was on its way: it is refreshed like any copy.
          if (!same(await notice(name), view)) await this.outbox.queueUpdate(workspaceId, message.subject, posted);
        });
        return undefined;
      }
    }
  }

  /** A copy as it should read now: a channel card, or the notice a person's copy was (it renders the current state). */
  private async render(
    copy: PostedCopy,
    card: () => Promise<MessageView | undefined>,
    notice: (name: string) => Promise<MessageView | undefined>,
  ): Promise<MessageView | undefined> {
    const purpose = parsePurpose(copy.purpose);
    if (purpose.kind === 'channel') return await card();
    return (await notice(purpose.notice)) ?? (await card());
  }
}

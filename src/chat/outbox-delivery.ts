import { parseSubject, type OutboxMessage, type OutboxService, type DirectNotice } from '../core/outbox/outbox.ts';
import { CHANNEL_COLUMN, CHANNEL_PURPOSES, type ChannelPurpose } from '../core/settings/workspace-settings.ts';
import { PermanentDeliveryError, type ChannelMessenger } from './channel-messenger.ts';
import type { ChatServices } from './chat-services.ts';
import { IncidentPublisher } from './incident-publisher.ts';
import { ReleasePublisher } from './release-publisher.ts';
import type { MessageView } from './views/view.ts';

const same = (a: MessageView | undefined, b: MessageView | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Sends one outbox message: renders it from the committed state now, sends it through the platform's
 * messenger, and settles it (recording a posted copy on its record in the same transaction).
 * Throws when sending failed; the sender decides about retries.
 */
export class OutboxDelivery {
  private readonly incidents: IncidentPublisher;
  private readonly releases: ReleasePublisher;

  constructor(
    private readonly services: ChatServices,
    private readonly outbox: OutboxService,
  ) {
    this.incidents = new IncidentPublisher(services);
    this.releases = new ReleasePublisher(services);
  }

  private trainingNotice(workspaceId: number, sessionId: number): MessageView {
    const text = this.services.training.attendanceNotice(workspaceId, sessionId);
    if (!text) throw new PermanentDeliveryError(`training session ${sessionId} no longer exists`);
    return { summary: 'Training recorded', blocks: [{ type: 'text', text }], visibility: 'private' };
  }

  /** Sends a taken message; returns a link to a new post where the platform gives one. */
  async deliver(message: OutboxMessage, messenger: ChannelMessenger, now: () => Date): Promise<string | undefined> {
    const subject = parseSubject(message.subject);
    if (!subject) throw new PermanentDeliveryError(`unknown outbox subject ${message.subject}`);
    const { workspaceId } = message;
    const card = () =>
      subject.type === 'incident'
        ? this.incidents.card(workspaceId, subject.id)
        : subject.type === 'release'
          ? this.releases.card(workspaceId, subject.id)
          : undefined;
    switch (message.kind) {
      case 'post': {
        const purpose = CHANNEL_PURPOSES.find((p) => p === message.target) as ChannelPurpose | undefined;
        const channel = purpose ? this.services.settings.get(workspaceId)[CHANNEL_COLUMN[purpose]] : null;
        if (!channel) throw new PermanentDeliveryError(`the ${message.target} channel is not set up`);
        const view = card();
        if (!view) throw new PermanentDeliveryError(`${message.subject} no longer exists`);
        const posted = await messenger.post(channel, view);
        this.outbox.markSent(message, now(), () => {
          if (subject.type === 'incident') this.incidents.recordPost(workspaceId, subject.id, message.target, posted);
          else this.releases.recordPost(workspaceId, subject.id, posted);
          // A change committed while this card was on its way: the new copy gets refreshed too.
          if (!same(card(), view)) this.outbox.queueUpdate(workspaceId, message.subject, posted);
        });
        return posted.link;
      }
      case 'update': {
        const posts =
          subject.type === 'incident' ? this.incidents.posts(workspaceId, subject.id) : this.releases.posts(workspaceId, subject.id);
        const post = posts.find((p) => p.channelId === message.target && p.messageId === message.detail);
        const view = card();
        if (!post || !view)
          throw new PermanentDeliveryError(`no posted copy ${message.target}/${message.detail ?? ''} of ${message.subject}`);
        await messenger.update(post, view);
        this.outbox.markSent(message, now());
        return undefined;
      }
      case 'direct': {
        const person = this.services.directory.personById(workspaceId, Number(message.target));
        if (!person || subject.type === 'incident') throw new PermanentDeliveryError(`nobody to tell about ${message.subject}`);
        const notice =
          subject.type === 'release'
            ? this.releases.notice(workspaceId, subject.id, message.detail as DirectNotice)
            : this.trainingNotice(workspaceId, subject.id);
        await messenger.direct(person, notice);
        this.outbox.markSent(message, now());
        return undefined;
      }
    }
  }
}

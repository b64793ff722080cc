import type { Platform } from '../core/identity.ts';
import type { Person } from '../core/identity.ts';
import type { ChannelRef } from '../core/settings/workspace-settings.ts';
import type { Logger } from '../logger.ts';
import type { Messengers, OutgoingFile, PostedMessage } from './channel-messenger.ts';
import type { MessageView } from './views/view.ts';

export interface PostTarget {
  /** How to name the channel to people: "#ai-incidents" or "the incidents channel". */
  label: string;
  channel: ChannelRef | null;
}

/**
 * Posts cards to channels and sends direct messages, for the scheduled jobs (which keep their own
 * ledger) and, for now, training attendance notices; never throws. Incident and release cards and
 * notices go through the outbox (outbox-sender.ts).
 */
export class CardPublisher {
  constructor(
    private readonly messengers: Messengers,
    private readonly logger: Logger,
  ) {}

  /** Posts `view` to each target; reports where it landed and where it could not. */
  async post(
    platform: Platform,
    targets: PostTarget[],
    view: MessageView,
    onPosted: (posted: PostedMessage) => void,
  ): Promise<{ posted: string[]; failed: string[]; link?: string }> {
    const outcome: { posted: string[]; failed: string[]; link?: string } = { posted: [], failed: [] };
    const messenger = this.messengers[platform];
    for (const target of targets) {
      if (!target.channel || !messenger) {
        outcome.failed.push(`${target.label} (not set up)`);
        continue;
      }
      try {
        const posted = await messenger.post(target.channel, view);
        if (posted.unsent) this.logger.warn('part of a card could not be sent', { channel: target.channel.id, unsent: posted.unsent });
        onPosted(posted);
        outcome.posted.push(target.label);
        if (!outcome.link && posted.link) outcome.link = posted.link;
      } catch (error) {
        this.logger.error('posting a card failed', { channel: target.channel.id, error });
        outcome.failed.push(target.label);
      }
    }
    return outcome;
  }

  /** A direct message; false when it could not be delivered (logged). */
  async direct(platform: Platform, person: Person, view: MessageView): Promise<boolean> {
    const messenger = this.messengers[platform];
    if (!messenger) return false;
    try {
      await messenger.direct(person, view);
      return true;
    } catch (error) {
      this.logger.warn('a direct message could not be delivered', { person: person.externalId, error });
      return false;
    }
  }

  /** Whether the platform can send a person a file in a direct message. */
  canSendFiles(platform: Platform): boolean {
    return this.messengers[platform]?.directFile !== undefined;
  }

  /** A direct message with a file; throws when it could not be delivered (the caller tells the person). */
  async directFile(platform: Platform, person: Person, view: MessageView, file: OutgoingFile): Promise<PostedMessage> {
    const messenger = this.messengers[platform];
    if (!messenger?.directFile) throw new Error(`${platform} cannot send files`);
    return await messenger.directFile(person, view, file);
  }
}

import type { Person, Platform } from '../core/identity.ts';
import type { ChannelRef } from '../core/settings/workspace-settings.ts';
import type { MessageView } from './views/view.ts';

/** Where a message landed, so it can be updated in place later. */
export interface PostedMessage {
  channelId: string;
  messageId: string;
  reference?: unknown;
  /** A link people can click to reach the message, where the platform gives one. */
  link?: string;
  /** Parts that did not go out with it (a picture whose upload failed): the message itself landed. */
  unsent?: string[];
}

/** Posting to channels, implemented by each platform adapter (Slack: chat.postMessage; Teams: proactive sends). */
export interface ChannelMessenger {
  post(channel: ChannelRef, view: MessageView): Promise<PostedMessage>;
  update(post: { channelId: string; messageId: string; reference?: unknown }, view: MessageView): Promise<void>;
  /**
   * A direct message to one person (Slack: their app DM; Teams: their personal chat, if they ever
   * wrote there or installed the bot); where it landed, so it can be updated like any copy.
   */
  direct(person: Person, view: MessageView): Promise<PostedMessage>;
  /**
   * A direct message with a file attached (Slack: the message, then files.uploadV2 into that DM);
   * throws when the file could not be delivered. Absent where the platform has no such upload (Teams).
   */
  directFile?(person: Person, view: MessageView, file: OutgoingFile): Promise<PostedMessage>;
}

/** A file the bot sends to a person (the evidence pack). */
export interface OutgoingFile {
  bytes: Buffer;
  filename: string;
  title: string;
}

/** Filled in by the adapters as they start; the chat layer posts through whichever is there. */
export type Messengers = Partial<Record<Platform, ChannelMessenger>>;

/** A message that can never be delivered as it stands (no conversation reference, the record is gone): not retried. */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}

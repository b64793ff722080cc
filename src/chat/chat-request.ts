import type { ContactRef } from '../core/identity.ts';

/** Someone named in a request (a Slack <@U…> or a Teams @mention), as the platform identifies them. */
export interface Mention {
  externalId: string;
  displayName?: string;
}

/** Where the request was made. */
export interface ConversationRef {
  id: string;
  kind: 'channel' | 'direct' | 'group';
  name?: string;
  /** What the platform needs to post there later (Teams conversation reference). */
  reference?: unknown;
}

/** Who is asking and where: shared by messages, form submissions and button clicks. */
export interface RequestOrigin {
  /** Correlates log lines and the "it failed" message a person sees. */
  requestId: string;
  contact: ContactRef;
  conversation?: ConversationRef;
  /**
   * The bot's message the request came from (the card clicked, the form submitted), where the
   * platform says: a Teams form answered in place turns that message into the record's card.
   */
  card?: { channelId: string; messageId: string };
}

/** One thing a person said to the bot, whatever the platform. */
export interface ChatRequest extends RequestOrigin {
  /** `command`: the words after /aims (Slack) or after "aims" (Teams); `message`: free text. */
  source: 'command' | 'message';
  text: string;
  /** People named in the text, in order. */
  mentions?: Mention[];
  /** Set when the platform may deliver the same request twice (Slack event retries). */
  dedupeKey?: string;
}

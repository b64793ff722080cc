import type { ContactRef } from '../core/identity.ts';

/** One thing a person said to the bot, whatever the platform. */
export interface ChatRequest {
  /** Correlates log lines and the "it failed" message a person sees. */
  requestId: string;
  contact: ContactRef;
  /** `command`: the words after /aims (Slack) or after "aims" (Teams); `message`: free text. */
  source: 'command' | 'message';
  text: string;
  /** Set when the platform may deliver the same request twice (Slack event retries). */
  dedupeKey?: string;
}

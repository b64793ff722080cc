import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { ChatRequest } from '../chat/chat-request.ts';
import { classifyFreeText } from '../chat/parse-command.ts';

/** The tenant an activity belongs to; the Agents Playground and emulators may send none. */
export function tenantOf(activity: Partial<Activity>): string {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return activity.conversation?.tenantId ?? channelData?.tenant?.id ?? 'local-tenant';
}

/** A Teams message (its @mention of the bot already removed) to a neutral request. */
export function fromTeamsMessage(activity: Partial<Activity>, textWithoutMention: string): ChatRequest {
  const { source, text } = classifyFreeText(textWithoutMention);
  const from = activity.from;
  return {
    requestId: randomUUID(),
    source,
    text,
    contact: {
      platform: 'teams',
      workspaceExternalId: tenantOf(activity),
      // AAD object ids are stable across chats; `from.id` differs per bot and is the fallback.
      userExternalId: from?.aadObjectId ?? from?.id ?? 'unknown',
      ...(from?.name ? { displayName: from.name } : {}),
    },
    // Teams redelivers an activity with the same id when our answer was too slow.
    ...(activity.id ? { dedupeKey: `teams:activity:${tenantOf(activity)}:${activity.id}` } : {}),
  };
}

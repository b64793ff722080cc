import { randomUUID } from 'node:crypto';
import { TurnContext, type Activity } from 'botbuilder';
import type { ChatRequest, ConversationRef, Mention, RequestOrigin } from '../chat/chat-request.ts';
import { classifyFreeText } from '../chat/parse-command.ts';

/** Emulators and the Agents Playground may send no tenant; only local mode accepts that. */
export const LOCAL_TENANT = 'local-tenant';

/**
 * The tenant an activity belongs to. Outside local mode an activity without one is refused rather
 * than put into a shared placeholder workspace.
 */
export function tenantOf(activity: Partial<Activity>, allowTenantless: boolean): string {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  const tenant = activity.conversation?.tenantId ?? channelData?.tenant?.id;
  if (tenant) return tenant;
  if (allowTenantless) return LOCAL_TENANT;
  throw new Error('Teams activity without a tenant: cannot tell whose workspace it is');
}

function conversationOf(activity: Partial<Activity>): ConversationRef | undefined {
  const conversation = activity.conversation;
  if (!conversation?.id) return undefined;
  const type = conversation.conversationType;
  const channelData = activity.channelData as { channel?: { name?: string } } | undefined;
  const name = channelData?.channel?.name ?? conversation.name;
  const reference = TurnContext.getConversationReference(activity);
  // A channel message arrives in its thread ("19:…;messageid=…"); new posts belong in the channel itself.
  const id = type === 'channel' ? (conversation.id.split(';')[0] ?? conversation.id) : conversation.id;
  return {
    id,
    kind: type === 'channel' ? 'channel' : type === 'groupChat' ? 'group' : 'direct',
    ...(name ? { name } : {}),
    // Stored for proactive messages (digests, new incidents) to this conversation later.
    reference: { ...reference, conversation: { ...reference.conversation, id } },
  };
}

function withoutActivityId(reference: unknown): unknown {
  if (!reference || typeof reference !== 'object') return reference;
  const { activityId: _activity, ...rest } = reference as Record<string, unknown>;
  void _activity;
  return rest;
}

/** True when the activity says who sent it; one that does not is refused, never given to a placeholder person. */
export function hasSender(activity: Partial<Activity>): boolean {
  return Boolean(activity.from?.aadObjectId || activity.from?.id);
}

/** Who is acting in an activity, whatever it carries (message or invoke). */
export function originOf(activity: Partial<Activity>, allowTenantless: boolean): RequestOrigin {
  const from = activity.from;
  if (!from || !hasSender(activity)) throw new Error('Teams activity without a sender (from): cannot tell who is acting');
  const conversation = conversationOf(activity);
  // A personal chat is where direct messages (decisions, nudges) reach this person later.
  const direct = conversation?.kind === 'direct' ? withoutActivityId(conversation.reference) : undefined;
  // An invoke (a click, a form submitted) names the bot's message it came from.
  const card =
    activity.type === 'invoke' && conversation && activity.replyToId
      ? { channelId: conversation.id, messageId: activity.replyToId }
      : undefined;
  return {
    requestId: randomUUID(),
    ...(card ? { card } : {}),
    contact: {
      platform: 'teams',
      workspaceExternalId: tenantOf(activity, allowTenantless),
      // AAD object ids are stable across chats; `from.id` differs per bot and is the fallback.
      userExternalId: from.aadObjectId || from.id,
      ...(from.name ? { displayName: from.name } : {}),
      ...(direct ? { directReference: direct } : {}),
    },
    ...(conversation ? { conversation } : {}),
  };
}

/**
 * The person for whom the bot was just installed in their personal scope (an installationUpdate
 * "add", or a conversationUpdate adding the bot to a personal chat), as a request origin that
 * carries their personal-chat reference; undefined for installs in a team or group chat.
 */
export function personalInstallOf(activity: Partial<Activity>, allowTenantless: boolean): RequestOrigin | undefined {
  if (activity.conversation?.conversationType !== 'personal' || !hasSender(activity)) return undefined;
  const botId = activity.recipient?.id;
  const installed =
    activity.type === 'installationUpdate'
      ? (activity.action ?? 'add').startsWith('add')
      : activity.type === 'conversationUpdate' && (activity.membersAdded ?? []).some((member) => member.id === botId);
  return installed ? originOf(activity, allowTenantless) : undefined;
}

/** A Teams message (the bot's @mention removed; other mentions resolved by the caller) to a neutral request. */
export function fromTeamsMessage(
  activity: Partial<Activity>,
  textWithoutMention: string,
  mentions: Mention[],
  allowTenantless: boolean,
): ChatRequest {
  // "<at>Bob Smith</at>" -> "@Bob Smith": arguments keep their places, ids travel in `mentions`.
  const plain = textWithoutMention
    .replace(/<at>([^<]*)<\/at>/g, (_m, name: string) => `@${name.replace(/\s+/g, '_')}`)
    // Teams clients may send what people typed as HTML: "recall &gt;= 0.9" means "recall >= 0.9".
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
  const { source, text } = classifyFreeText(plain);
  return {
    ...originOf(activity, allowTenantless),
    source,
    text,
    mentions,
    // Teams redelivers an activity with the same id when our answer was too slow.
    ...(activity.id ? { dedupeKey: `teams:activity:${tenantOf(activity, allowTenantless)}:${activity.id}` } : {}),
  };
}

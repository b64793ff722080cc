import { randomUUID } from 'node:crypto';
import type { ChatRequest, ConversationRef, Mention, RequestOrigin } from '../chat/chat-request.ts';
import { classifyFreeText } from '../chat/parse-command.ts';

interface SlashCommandFields {
  team_id: string;
  team_domain?: string;
  user_id: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  text: string;
  /** Unique to one invocation: a replay of the same signed command carries the same one. */
  trigger_id?: string;
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g;

/** Slack sends &, < and > of what people typed as entities; after mentions are taken out, restore them. */
export function decodeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Pulls user mentions out of command text (Slack sends `<@U123|name>` when the command escapes
 * users) and leaves "@name" in their place, so arguments keep their positions.
 */
export function extractMentions(text: string): { text: string; mentions: Mention[] } {
  const mentions: Mention[] = [];
  const replaced = text.replace(MENTION, (_match, id: string, name: string | undefined) => {
    mentions.push({ externalId: id, ...(name ? { displayName: name } : {}) });
    return `@${name ?? id}`;
  });
  return { text: replaced, mentions };
}

function conversationOf(command: SlashCommandFields): ConversationRef | undefined {
  if (!command.channel_id) return undefined;
  const direct = command.channel_name === 'directmessage' || command.channel_id.startsWith('D');
  const group = command.channel_name === 'mpdm' || command.channel_name?.startsWith('mpdm-');
  return {
    id: command.channel_id,
    kind: direct ? 'direct' : group ? 'group' : 'channel',
    ...(command.channel_name && !direct ? { name: command.channel_name } : {}),
  };
}

/** `/aims <words>` to a neutral request. */
export function fromSlashCommand(command: SlashCommandFields): ChatRequest {
  const { text, mentions } = extractMentions(command.text ?? '');
  const conversation = conversationOf(command);
  return {
    requestId: randomUUID(),
    source: 'command',
    text: decodeSlackText(text),
    mentions,
    ...(conversation ? { conversation } : {}),
    ...(command.trigger_id ? { dedupeKey: `slack:command:${command.team_id}:${command.trigger_id}` } : {}),
    contact: {
      platform: 'slack',
      workspaceExternalId: command.team_id,
      ...(command.team_domain ? { workspaceName: command.team_domain } : {}),
      userExternalId: command.user_id,
      // user_name is the legacy handle: a name only until users.info or the person's profile says better.
      ...(command.user_name ? { fallbackName: command.user_name } : {}),
    },
  };
}

/** An @mention or a direct message to a neutral request; the event id makes retries harmless. */
export function fromMessageEvent(input: {
  teamId: string;
  eventId: string | undefined;
  userId: string;
  text: string;
  botUserId?: string;
}): ChatRequest {
  // "<@U0BOT> what's our status?" -> "what's our status?"; other mentions stay as arguments.
  const withoutBot = input.botUserId ? input.text.replace(new RegExp(`<@${input.botUserId}(\\|[^>]*)?>`, 'g'), ' ') : input.text;
  const { text: stripped, mentions } = extractMentions(withoutBot.replace(/^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>/, ' '));
  const { source, text } = classifyFreeText(decodeSlackText(stripped));
  return {
    requestId: randomUUID(),
    source,
    text,
    mentions,
    contact: { platform: 'slack', workspaceExternalId: input.teamId, userExternalId: input.userId },
    ...(input.eventId ? { dedupeKey: `slack:event:${input.eventId}` } : {}),
  };
}

/** The parts of an interactivity payload (click, form submission, shortcut, options request) that say where it happened. */
export interface InteractionPlace {
  team?: { id?: string; domain?: string } | null;
  user: { id: string; username?: string; name?: string; team_id?: string };
  view?: { team_id?: string | null } | null;
  enterprise?: { id?: string } | null;
  is_enterprise_install?: boolean;
  authorizations?: Array<{ team_id?: string | null; enterprise_id?: string | null; is_enterprise_install?: boolean }>;
}

/**
 * The workspace an interaction belongs to: where it happened (`team.id`), else the modal's team,
 * else the install it was delivered for (an org-wide install may answer for the enterprise).
 * Never `user.team_id`: under Enterprise Grid and Slack Connect that is the clicker's home
 * workspace, not the one whose card or modal they used.
 */
export function workspaceOfInteraction(body: InteractionPlace): string {
  const install = body.authorizations?.find((authorization) => authorization.team_id || authorization.enterprise_id);
  const team =
    body.team?.id ||
    body.view?.team_id ||
    install?.team_id ||
    (body.is_enterprise_install || install?.is_enterprise_install ? body.enterprise?.id || install?.enterprise_id : undefined);
  if (!team) throw new Error('Slack interaction without a team: cannot tell whose workspace it is');
  return team;
}

/** Who clicked or submitted, and in which workspace, from an interactivity payload. */
export function originOfInteraction(body: InteractionPlace): RequestOrigin {
  const name = body.user.username ?? body.user.name;
  return {
    requestId: randomUUID(),
    contact: {
      platform: 'slack',
      workspaceExternalId: workspaceOfInteraction(body),
      ...(body.team?.domain ? { workspaceName: body.team.domain } : {}),
      userExternalId: body.user.id,
      ...(name ? { fallbackName: name } : {}),
    },
  };
}

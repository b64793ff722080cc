import { randomUUID } from 'node:crypto';
import type { ChatRequest } from '../chat/chat-request.ts';
import { classifyFreeText } from '../chat/parse-command.ts';

interface SlashCommandFields {
  team_id: string;
  team_domain?: string;
  user_id: string;
  user_name?: string;
  text: string;
}

/** `/aims <words>` to a neutral request. */
export function fromSlashCommand(command: SlashCommandFields): ChatRequest {
  return {
    requestId: randomUUID(),
    source: 'command',
    text: command.text ?? '',
    contact: {
      platform: 'slack',
      workspaceExternalId: command.team_id,
      ...(command.team_domain ? { workspaceName: command.team_domain } : {}),
      userExternalId: command.user_id,
      ...(command.user_name ? { displayName: command.user_name } : {}),
    },
  };
}

/** An @mention or a direct message to a neutral request; the event id makes retries harmless. */
export function fromMessageEvent(input: { teamId: string; eventId: string | undefined; userId: string; text: string }): ChatRequest {
  // "<@U0BOT> what's our status?" -> "what's our status?"
  const { source, text } = classifyFreeText(input.text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' '));
  return {
    requestId: randomUUID(),
    source,
    text,
    contact: { platform: 'slack', workspaceExternalId: input.teamId, userExternalId: input.userId },
    ...(input.eventId ? { dedupeKey: `slack:event:${input.eventId}` } : {}),
  };
}

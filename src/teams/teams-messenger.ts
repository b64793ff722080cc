import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { PermanentDeliveryError, type ChannelMessenger, type PostedMessage } from '../chat/channel-messenger.ts';
import type { ChannelRef } from '../core/settings/workspace-settings.ts';
import { isSharedConversation, renderCard } from './render-card.ts';

/** Cards in a channel or group chat are everyone's: rendered so that no click turns them into a form. */
const sharedIn = (reference: Partial<ConversationReference>) => ({
  shared: isSharedConversation(reference.conversation?.conversationType),
});

/** Connector answers no retry can change: the bot was removed, blocked, or the conversation is gone. */
const PERMANENT_STATUS = new Set([403, 404]);

/**
 * Runs a proactive turn and lets its failure reach the caller. The adapter's onTurnError would
 * otherwise swallow it (log, answer "sorry" into that conversation), and a message that never
 * arrived would be counted as delivered.
 */
async function proactive(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  let failure: unknown;
  await adapter.continueConversationAsync(appId, reference, async (context) => {
    try {
      await logic(context);
    } catch (error) {
      failure = error;
    }
  });
  if (failure === undefined) return;
  const status = (failure as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && PERMANENT_STATUS.has(status))
    throw new PermanentDeliveryError(`Teams answered ${status}: ${failure instanceof Error ? failure.message : 'refused'}`);
  throw failure;
}

/**
 * Proactive posts and updates in Teams channels, through the conversation reference stored when
 * an admin ran `aims setup channel <purpose>` there, and direct messages in personal chats, through
 * the reference stored when the person wrote to the bot or installed it.
 */
export function teamsMessenger(adapter: CloudAdapter, appId: string): ChannelMessenger {
  const referenceOf = (reference: unknown, channelId: string): Partial<ConversationReference> => {
    const stored = reference as Partial<ConversationReference> | undefined;
    // Nothing to retry: it takes someone writing there (or running setup there) first.
    if (!stored?.serviceUrl) throw new PermanentDeliveryError(`no conversation reference stored for ${channelId}`);
    return stored;
  };
  const send = async (reference: Partial<ConversationReference>, conversationId: string, view: Parameters<typeof renderCard>[0]) => {
    let messageId = '';
    await proactive(adapter, appId, reference, async (context) => {
      const activity = MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view, sharedIn(reference))));
      activity.summary = view.summary;
      // sendToConversation starts a new message in the channel; sendActivity would reply in a thread.
      const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      messageId = (await client.conversations.sendToConversation(conversationId, activity)).id ?? '';
    });
    return messageId;
  };
  return {
    async post(channel: ChannelRef, view): Promise<PostedMessage> {
      const reference = referenceOf(channel.reference, channel.id);
      const messageId = await send(reference, channel.id, view);
      return { channelId: channel.id, messageId, reference };
    },
    async direct(person, view): Promise<PostedMessage> {
      // Teams lets a bot start a personal chat only with extra setup; we write where they wrote to us (or installed the bot).
      const reference = referenceOf(person.directReference, `personal chat of ${person.externalId}`);
      const conversationId = reference.conversation?.id ?? '';
      const messageId = await send(reference, conversationId, view);
      return { channelId: conversationId, messageId, reference };
    },
    async update(post, view) {
      const reference = referenceOf(post.reference, post.channelId);
      await proactive(adapter, appId, reference, async (context) => {
        await context.updateActivity({
          type: 'message',
          id: post.messageId,
          attachments: [CardFactory.adaptiveCard(renderCard(view, sharedIn(reference)))],
          summary: view.summary,
        });
      });
    },
  };
}

import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { PermanentDeliveryError, type ChannelMessenger, type PostedMessage } from '../chat/channel-messenger.ts';
import type { ChannelRef } from '../core/settings/workspace-settings.ts';
import { isSharedConversation, renderCard } from './render-card.ts';

/** Cards in a channel or group chat are everyone's: rendered so that no click turns them into a form. */
const sharedIn = (reference: Partial<ConversationReference>) => ({
  shared: isSharedConversation(reference.conversation?.conversationType),
});

/**
 * Proactive posts and updates in Teams channels, through the conversation reference stored when
 * an admin ran `aims setup channel <purpose>` there.
 */
export function teamsMessenger(adapter: CloudAdapter, appId: string): ChannelMessenger {
  const referenceOf = (reference: unknown, channelId: string): Partial<ConversationReference> => {
    const stored = reference as Partial<ConversationReference> | undefined;
    // Nothing to retry: it takes someone writing there (or running setup there) first.
    if (!stored?.serviceUrl) throw new PermanentDeliveryError(`no conversation reference stored for ${channelId}`);
    return stored;
  };
  return {
    async post(channel: ChannelRef, view): Promise<PostedMessage> {
      const reference = referenceOf(channel.reference, channel.id);
      let messageId = '';
      await adapter.continueConversationAsync(appId, reference, async (context) => {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view, sharedIn(reference))));
        activity.summary = view.summary;
        // sendToConversation starts a new message in the channel; sendActivity would reply in a thread.
        const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        messageId = (await client.conversations.sendToConversation(channel.id, activity)).id ?? '';
      });
      return { channelId: channel.id, messageId, reference };
    },
    async direct(person, view) {
      // Teams lets a bot start a personal chat only with extra setup; we write where they wrote to us.
      const reference = referenceOf(person.directReference, `personal chat of ${person.externalId}`);
      await adapter.continueConversationAsync(appId, reference, async (context) => {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view)));
        activity.summary = view.summary;
        const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        await client.conversations.sendToConversation(reference.conversation?.id ?? '', activity);
      });
    },
    async update(post, view) {
      const reference = referenceOf(post.reference, post.channelId);
      await adapter.continueConversationAsync(appId, reference, async (context) => {
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

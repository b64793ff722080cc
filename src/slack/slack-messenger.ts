import type { App } from '@slack/bolt';
import type { ChannelMessenger, PostedMessage } from '../chat/channel-messenger.ts';
import type { ChannelRef } from '../core/settings/workspace-settings.ts';
import { renderMessage } from './render-blocks.ts';

/** Posts and updates channel messages through the Web API (chat.postMessage, chat.update). */
export function slackMessenger(client: App['client']): ChannelMessenger {
  return {
    async post(channel: ChannelRef, view): Promise<PostedMessage> {
      const result = await client.chat.postMessage({ channel: channel.id, ...renderMessage(view), unfurl_links: false });
      const ts = result.ts ?? '';
      const channelId = result.channel ?? channel.id;
      let link: string | undefined;
      try {
        link = (await client.chat.getPermalink({ channel: channelId, message_ts: ts })).permalink;
      } catch {
        // A link is a courtesy: the post itself succeeded.
      }
      return { channelId, messageId: ts, ...(link ? { link } : {}) };
    },
    async update(post, view) {
      await client.chat.update({ channel: post.channelId, ts: post.messageId, ...renderMessage(view) });
    },
    async direct(person, view) {
      // Posting to a user id lands in the app's direct messages with them.
      await client.chat.postMessage({ channel: person.externalId, ...renderMessage(view) });
    },
  };
}

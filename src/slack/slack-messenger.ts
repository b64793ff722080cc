import type { App } from '@slack/bolt';
import { PermanentDeliveryError, type ChannelMessenger, type OutgoingFile, type PostedMessage } from '../chat/channel-messenger.ts';
import type { ChannelRef } from '../core/settings/workspace-settings.ts';
import type { MessageView } from '../chat/views/view.ts';
import { imagesOf, renderMessage } from './render-blocks.ts';

// Slack's answers that no retry can change: the channel or person is gone, archived or out of reach.
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'user_not_found',
  'not_in_channel',
  'is_archived',
  'cannot_dm_bot',
  'account_inactive',
  'user_disabled',
  'restricted_action',
  'message_not_found',
  'cant_update_message',
]);

/** Runs a Web API call; an answer that a retry cannot change becomes a PermanentDeliveryError (the outbox gives up at once). */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
    if (typeof code === 'string' && PERMANENT_ERRORS.has(code)) throw new PermanentDeliveryError(`Slack answered ${code}`);
    throw error;
  }
}

/**
 * The view's pictures, uploaded to the conversation the message went to (files.uploadV2:
 * files.getUploadURLExternal, the upload, files.completeUploadExternal with its channel_id); what
 * could not be uploaded is named, never thrown, since the message itself has landed.
 */
async function uploadImages(client: App['client'], channelId: string, view: MessageView): Promise<string[]> {
  const unsent: string[] = [];
  for (const image of imagesOf(view)) {
    try {
      await client.files.uploadV2({
        channel_id: channelId,
        file: Buffer.from(image.png),
        filename: image.filename,
        title: image.title,
        alt_text: image.alt,
      });
    } catch (error) {
      unsent.push(`${image.filename} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return unsent;
}

/** Posts and updates channel messages through the Web API (chat.postMessage, chat.update). */
export function slackMessenger(client: App['client']): ChannelMessenger {
  return {
    async post(channel: ChannelRef, view): Promise<PostedMessage> {
      const result = await call(() => client.chat.postMessage({ channel: channel.id, ...renderMessage(view), unfurl_links: false }));
      const ts = result.ts ?? '';
      const channelId = result.channel ?? channel.id;
      const unsent = await uploadImages(client, channelId, view);
      let link: string | undefined;
      try {
        link = (await client.chat.getPermalink({ channel: channelId, message_ts: ts })).permalink;
      } catch {
        // A link is a courtesy: the post itself succeeded.
      }
      return { channelId, messageId: ts, ...(link ? { link } : {}), ...(unsent.length > 0 ? { unsent } : {}) };
    },
    async update(post, view) {
      await call(() => client.chat.update({ channel: post.channelId, ts: post.messageId, ...renderMessage(view) }));
    },
    async direct(person, view): Promise<PostedMessage> {
      // Posting to a user id lands in the app's direct messages with them; Slack answers with that DM's id (D…), which chat.update needs.
      const result = await call(() => client.chat.postMessage({ channel: person.externalId, ...renderMessage(view) }));
      const channelId = result.channel ?? person.externalId;
      const unsent = await uploadImages(client, channelId, view);
      return { channelId, messageId: result.ts ?? '', ...(unsent.length > 0 ? { unsent } : {}) };
    },
    async directFile(person, view, file: OutgoingFile): Promise<PostedMessage> {
      const result = await call(() => client.chat.postMessage({ channel: person.externalId, ...renderMessage(view) }));
      const channelId = result.channel ?? person.externalId;
      await call(() => client.files.uploadV2({ channel_id: channelId, file: file.bytes, filename: file.filename, title: file.title }));
      return { channelId, messageId: result.ts ?? '' };
    },
  };
}

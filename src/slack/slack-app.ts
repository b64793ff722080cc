import { randomUUID } from 'node:crypto';
import { App, ExpressReceiver, type Receiver } from '@slack/bolt';
import type { Express } from 'express';
import type { Mention } from '../chat/chat-request.ts';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { Logger } from '../logger.ts';
import { boltLogger } from './bolt-logger.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import { readModal } from './read-modal.ts';
import { renderHomeTab, renderMessage } from './render-blocks.ts';
import { AI_SYSTEM_PICKER, FORM_CALLBACK_ID, renderModal, renderResultModal } from './render-modal.ts';
import type { SlackConfigOn } from './slack-config.ts';
import { fromMessageEvent, fromSlashCommand, originOfInteraction } from './slack-requests.ts';
import { slackMessenger } from './slack-messenger.ts';
import type { Messengers } from '../chat/channel-messenger.ts';

/** callback_id of the message shortcut in the manifests. */
export const REPORT_INCIDENT_SHORTCUT = 'report_incident_shortcut';

type WebClient = App['client'];

export interface SlackAppOptions {
  config: SlackConfigOn;
  router: ChatRouter;
  messengers: Messengers;
  logger: Logger;
  /** HTTP mode mounts POST /slack/events on this app; Socket Mode ignores it. */
  http: Express;
}

/** Names for ids, one Web API call each; a failed look-up just leaves that name out. */
async function lookUpNames(ids: string[], nameOf: (id: string) => Promise<string | undefined>): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      try {
        const name = await nameOf(id);
        if (name) names[id] = name;
      } catch {
        // Without the scope, for a deactivated user or a private channel the bot is not in: the id is shown.
      }
    }),
  );
  return names;
}

const userNames = (client: WebClient, ids: string[]) =>
  lookUpNames(ids, async (id) => {
    const { user } = await client.users.info({ user: id });
    return user?.profile?.display_name || user?.real_name || user?.name;
  });

const channelNames = (client: WebClient, ids: string[]) =>
  lookUpNames(ids, async (id) => (await client.conversations.info({ channel: id })).channel?.name);

async function withNames(client: WebClient, mentions: Mention[] | undefined): Promise<Mention[]> {
  if (!mentions || mentions.length === 0) return [];
  const names = await userNames(
    client,
    mentions.filter((mention) => !mention.displayName).map((mention) => mention.externalId),
  );
  return mentions.map((mention) => ({ ...mention, ...(names[mention.externalId] ? { displayName: names[mention.externalId] } : {}) }));
}

/** Builds the Bolt app (HTTP or Socket Mode) and wires commands, events, forms and buttons to the chat router. */
export function createSlackApp({ config, router, messengers, logger, http }: SlackAppOptions): App {
  const log = logger.child({ platform: 'slack' });
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    ...(config.retries === undefined ? {} : { retryConfig: { retries: config.retries } }),
  };
  let receiver: Receiver | undefined;
  if (config.mode === 'http') {
    receiver = new ExpressReceiver({
      signingSecret: config.signingSecret,
      app: http,
      endpoints: '/slack/events',
      // The handler finishes before Slack gets its 200: no work is cut off after the response.
      processBeforeResponse: true,
      logger: boltLogger(log),
    });
  }
  const app = new App({
    token: config.botToken,
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.appToken }),
    logger: boltLogger(log),
    clientOptions,
    ...(config.botUserId ? { botId: config.botId, botUserId: config.botUserId } : {}),
  });

  messengers.slack = slackMessenger(app.client);

  app.command('/aims', async ({ command, ack, client }) => {
    const request = fromSlashCommand(command);
    request.mentions = await withNames(client, request.mentions);
    const response = await router.handle(request);
    if (response.kind === 'none') return ack();
    if (response.kind === 'form') {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: renderModal(response.form) as never });
      return;
    }
    await ack({ response_type: response.view.visibility === 'public' ? 'in_channel' : 'ephemeral', ...renderMessage(response.view) });
  });

  app.view(FORM_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const meta = JSON.parse(view.private_metadata || '{}') as { type?: string; context?: Record<string, string> };
    const read = readModal(view.state.values as never);
    const labels = { ...(await userNames(client, read.users)), ...(await channelNames(client, read.channels)) };
    const result = await router.submit(originOfInteraction(body), {
      type: meta.type ?? '',
      context: meta.context ?? {},
      values: read.values,
      // view.id is the same for every submit of this modal: a double submit is one submission.
      instanceKey: `slack:view:${view.id}`,
      labels,
    });
    if (result.kind === 'errors') {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    if (result.kind === 'next') {
      await ack({ response_action: 'update', view: renderModal(result.form) as never });
      return;
    }
    const { blocks } = renderMessage(result.view);
    await ack({ response_action: 'update', view: renderResultModal(view.title.text, blocks) as never });
  });

  app.action(/^aims:/, async ({ ack, body, action, client, respond }) => {
    await ack();
    if (action.type !== 'button' || body.type !== 'block_actions') return;
    const button = action as { action_id: string; value?: string };
    const name = button.action_id.split(':')[1] ?? '';
    let args: Record<string, string> = {};
    try {
      args = JSON.parse(button.value ?? '{}') as Record<string, string>;
    } catch {
      args = {};
    }
    const response = await router.act(originOfInteraction(body), name, args);
    if (response.kind === 'form') {
      await client.views.open({ trigger_id: body.trigger_id, view: renderModal(response.form) as never });
    } else if (response.kind === 'message') {
      await respond({ replace_original: true, ...renderMessage(response.view) });
    }
  });

  // "Report AI incident" on any message: the incident form with the message and its link filled in.
  app.shortcut(REPORT_INCIDENT_SHORTCUT, async ({ ack, shortcut, client }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    let link = '';
    try {
      link = (await client.chat.getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message_ts })).permalink ?? '';
    } catch {
      link = '';
    }
    const quoted = (shortcut.message.text ?? '').slice(0, 2500);
    const description = `${quoted}${link ? `\n\nFrom: ${link}` : ''}`;
    const response = await router.incidentFormFor(originOfInteraction(shortcut as never), { description });
    if (response.kind === 'form') {
      await client.views.open({ trigger_id: shortcut.trigger_id, view: renderModal(response.form) as never });
    } else if (response.kind === 'message') {
      await client.chat.postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, ...renderMessage(response.view) });
    }
  });

  app.options(AI_SYSTEM_PICKER, async ({ ack, body, options }) => {
    const choices = await router.suggest(originOfInteraction(body as never), 'aiSystem', options.value ?? '');
    await ack({ options: choices.map((choice) => ({ text: { type: 'plain_text', text: choice.label.slice(0, 75) }, value: choice.value })) });
  });

  app.event('app_mention', async ({ event, body, client, context }) => {
    if (!event.user) return;
    const request = fromMessageEvent({ teamId: body.team_id, eventId: body.event_id, userId: event.user, text: event.text, ...(context.botUserId ? { botUserId: context.botUserId } : {}) });
    request.mentions = await withNames(client, request.mentions);
    const response = await router.handle(request);
    if (response.kind === 'message') {
      await client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, ...renderMessage(response.view) });
    } else if (response.kind === 'form') {
      await client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, text: `Forms open from the slash command: try /aims ${escapeMrkdwn(request.text)}` });
    }
  });

  app.message(async ({ message, body, client, context }) => {
    // Direct messages only; ignore edits, joins and other bots (Bolt already ignores our own).
    if (message.channel_type !== 'im' || message.subtype !== undefined || !('user' in message) || !message.user) return;
    const request = fromMessageEvent({
      teamId: (body as { team_id: string }).team_id,
      eventId: (body as { event_id?: string }).event_id,
      userId: message.user,
      text: message.text ?? '',
      ...(context.botUserId ? { botUserId: context.botUserId } : {}),
    });
    request.mentions = await withNames(client, request.mentions);
    const response = await router.handle(request);
    if (response.kind === 'message') {
      await client.chat.postMessage({ channel: message.channel, ...renderMessage(response.view) });
    } else if (response.kind === 'form') {
      await client.chat.postMessage({ channel: message.channel, text: `Forms open from the slash command: try /aims ${escapeMrkdwn(request.text)}` });
    }
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const view = await router.home({ requestId: randomUUID(), contact: { platform: 'slack', workspaceExternalId: body.team_id, userExternalId: event.user } });
    await client.views.publish({ user_id: event.user, view: renderHomeTab(view) });
  });

  app.error(async (error) => {
    log.error('slack handler failed', { error });
  });
  return app;
}

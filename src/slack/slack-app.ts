import { randomUUID } from 'node:crypto';
import { App, ExpressReceiver, type Receiver } from '@slack/bolt';
import type { Express } from 'express';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { SlackConfigOn } from './slack-config.ts';
import type { Logger } from '../logger.ts';
import { boltLogger } from './bolt-logger.ts';
import { renderHomeTab, renderMessage } from './render-blocks.ts';
import { fromMessageEvent, fromSlashCommand } from './slack-requests.ts';

export interface SlackAppOptions {
  config: SlackConfigOn;
  router: ChatRouter;
  logger: Logger;
  /** HTTP mode mounts POST /slack/events on this app; Socket Mode ignores it. */
  http: Express;
}

/** Builds the Bolt app (HTTP or Socket Mode) and wires /aims, mentions and DMs to the chat router. */
export function createSlackApp({ config, router, logger, http }: SlackAppOptions): App {
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

  app.command('/aims', async ({ command, ack }) => {
    const view = await router.handle(fromSlashCommand(command));
    if (!view) return ack();
    const message = renderMessage(view);
    await ack({ response_type: view.visibility === 'public' ? 'in_channel' : 'ephemeral', ...message });
  });

  app.event('app_mention', async ({ event, body, client }) => {
    if (!event.user) return;
    const view = await router.handle(
      fromMessageEvent({ teamId: body.team_id, eventId: body.event_id, userId: event.user, text: event.text }),
    );
    if (!view) return;
    await client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, ...renderMessage(view) });
  });

  app.message(async ({ message, body, client }) => {
    // Direct messages only; ignore edits, joins and other bots (Bolt already ignores our own).
    if (message.channel_type !== 'im' || message.subtype !== undefined || !('user' in message) || !message.user) return;
    const view = await router.handle(
      fromMessageEvent({
        teamId: (body as { team_id: string }).team_id,
        eventId: (body as { event_id?: string }).event_id,
        userId: message.user,
        text: message.text ?? '',
      }),
    );
    if (!view) return;
    await client.chat.postMessage({ channel: message.channel, ...renderMessage(view) });
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const view = router.home({
      requestId: randomUUID(),
      contact: { platform: 'slack', workspaceExternalId: body.team_id, userExternalId: event.user },
    });
    await client.views.publish({ user_id: event.user, view: renderHomeTab(view) });
  });

  app.error(async (error) => {
    log.error('slack handler failed', { error });
  });
  return app;
}

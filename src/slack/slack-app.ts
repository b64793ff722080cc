import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { App, ExpressReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { Router, type Express, type RequestHandler } from 'express';
import type { Mention } from '../chat/chat-request.ts';
import type { ChatRouter } from '../chat/chat-router.ts';
import type { MessageView } from '../chat/views/view.ts';
import type { Logger } from '../logger.ts';
import { boltLogger } from './bolt-logger.ts';
import { mrkdwnText } from './mrkdwn.ts';
import { readModal } from './read-modal.ts';
import { renderHomeTab, renderMessage } from './render-blocks.ts';
import { AI_SYSTEM_PICKER, FORM_CALLBACK_ID, renderModal, renderResultModal } from './render-modal.ts';
import type { SlackConfigOn } from './slack-config.ts';
import { fromMessageEvent, fromSlashCommand, originOfInteraction } from './slack-requests.ts';
import { slackMessenger } from './slack-messenger.ts';
import type { Messengers } from '../chat/channel-messenger.ts';
import { socketModeConnection, type SocketModeConnection } from './socket-mode-connection.ts';
import { SlackAnswers } from './slack-answers.ts';
import { INCIDENT_REPORT_FORM } from '../features/incidents/feature.ts';

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

/** True when a click came from a message others see too: a channel post, not an ephemeral or DM. */
function isSharedMessage(body: {
  container?: { type?: string; is_ephemeral?: boolean; channel_id?: string };
  channel?: { id?: string };
}): boolean {
  const container = body.container;
  if (container?.type !== 'message' || container.is_ephemeral) return false;
  const channel = container.channel_id ?? body.channel?.id ?? '';
  return !channel.startsWith('D');
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

const userNames = async (client: WebClient, ids: string[]) =>
  await lookUpNames(ids, async (id) => {
    const { user } = await client.users.info({ user: id });
    return user?.profile?.display_name || user?.real_name || user?.name;
  });

const channelNames = async (client: WebClient, ids: string[]) =>
  await lookUpNames(ids, async (id) => (await client.conversations.info({ channel: id })).channel?.name);

async function withNames(client: WebClient, mentions: Mention[] | undefined): Promise<Mention[]> {
  if (!mentions || mentions.length === 0) return [];
  const names = await userNames(
    client,
    mentions.filter((mention) => !mention.displayName).map((mention) => mention.externalId),
  );
  return mentions.map((mention) => ({ ...mention, ...(names[mention.externalId] ? { displayName: names[mention.externalId] } : {}) }));
}

/** Signed requests older than this, or this far ahead of our clock, are refused (Slack's own rule is 5 minutes). */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * Bolt refuses a signed request whose timestamp is more than 5 minutes old but accepts any in the
 * future, so one captured in advance could be replayed later. Refuse those the same way: 401.
 */
export function refuseFutureTimestamps(now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(timestamp) && timestamp > Math.floor(now() / 1000) + MAX_CLOCK_SKEW_SECONDS) {
      res.status(401).send();
      return;
    }
    next();
  };
}

/** Bolt without token verification asks auth.test on every event: keep the first answer that succeeded. */
function rememberBotIdentity(client: WebClient): void {
  const ask = client.auth.test.bind(client.auth);
  let known: ReturnType<typeof ask> | undefined;
  client.auth.test = (args) =>
    (known ??= ask(args).catch((error: unknown) => {
      known = undefined;
      throw error;
    }));
}

const socketConnections = new WeakMap<App, SocketModeConnection>();

/** A slash command's answer: the object Socket Mode sends, and its JSON text for the HTTP response (made at the first HTTP ack). */
interface CommandAnswer {
  body: { response_type: 'in_channel' | 'ephemeral' } & ReturnType<typeof renderMessage>;
  json?: string;
}

/**
 * Answers to views answered again as they were (a status page or the help kept in memory): rendered and
 * serialised once each, so a kept view's ack costs neither the Block Kit rendering nor JSON.stringify.
 */
const answeredViews = new WeakMap<MessageView, CommandAnswer>();
export function commandAnswerOf(view: MessageView): CommandAnswer {
  let answer = answeredViews.get(view);
  if (!answer) {
    const body = { response_type: view.visibility === 'public' ? 'in_channel' : 'ephemeral', ...renderMessage(view) } as const;
    answeredViews.set(view, (answer = { body }));
  }
  return answer;
}

/** The HTTP response of a request through the ExpressReceiver (Express sets req.res), carried in Bolt's context. */
const HTTP_RESPONSE = 'aimsHttpResponse';
const httpResponseOf = (context: Record<string, unknown>): ServerResponse | undefined =>
  context[HTTP_RESPONSE] as ServerResponse | undefined;

/**
 * Acks with the answer's JSON text already made. Bolt writes a string ack as it is (writeHead(200), end(text))
 * without a content type, so the header is set here first; Socket Mode has no HTTP response and gets the object.
 */
async function ackWith(ack: (body?: never) => Promise<void>, context: Record<string, unknown>, answer: CommandAnswer): Promise<void> {
  const response = httpResponseOf(context);
  if (response && !response.headersSent) {
    response.setHeader('content-type', 'application/json; charset=utf-8');
    answer.json ??= JSON.stringify(answer.body);
    await ack(answer.json as never);
  } else await ack(answer.body as never);
}

/** The Socket Mode connection of an app built by createSlackApp in Socket Mode. */
export function socketModeConnectionOf(app: App): SocketModeConnection | undefined {
  return socketConnections.get(app);
}

/** Builds the Bolt app (HTTP or Socket Mode) and wires commands, events, forms and buttons to the chat router. */
export function createSlackApp({ config, router, messengers, logger, http }: SlackAppOptions): App {
  const log = logger.child({ platform: 'slack' });
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    ...(config.retries === undefined ? {} : { retryConfig: { retries: config.retries } }),
  };
  let receiver: Receiver;
  let socket: SocketModeReceiver | undefined;
  if (config.mode === 'http') {
    const routes = Router();
    routes.post('/slack/events', refuseFutureTimestamps());
    receiver = new ExpressReceiver({
      signingSecret: config.signingSecret,
      app: http,
      router: routes,
      endpoints: '/slack/events',
      // The handler finishes before Slack gets its 200: no work is cut off after the response.
      processBeforeResponse: true,
      customPropertiesExtractor: (req) => ({ [HTTP_RESPONSE]: (req as { res?: ServerResponse }).res }),
      logger: boltLogger(log),
    });
  } else {
    socket = new SocketModeReceiver({
      appToken: config.appToken,
      logger: boltLogger(log),
      // Reconnecting is ours (socket-mode-connection.ts): logged, reported on /healthz, never unhandled.
      autoReconnectEnabled: false,
      // apps.connections.open fails fast, each failure is seen; the wait between attempts is ours too.
      installerOptions: { clientOptions: { ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}), retryConfig: { retries: 0 } } },
    });
    receiver = socket;
  }
  const app = new App({
    token: config.botToken,
    receiver,
    logger: boltLogger(log),
    clientOptions,
    // Nothing here keeps per-conversation state in Bolt (context.updateConversation): its store would only
    // cost every request a lookup.
    convoStore: false,
    ...(config.botUserId
      ? { botId: config.botId, botUserId: config.botUserId }
      : // Socket Mode: auth.test waits for the first event, so an unreachable Slack at start cannot reject unhandled.
        config.mode === 'socket'
        ? { tokenVerificationEnabled: false }
        : {}),
  });
  if (config.mode === 'socket' && !config.botUserId) rememberBotIdentity(app.client);
  if (socket)
    socketConnections.set(app, socketModeConnection(socket, log, config.mode === 'socket' ? config.reconnectDelaysMs : undefined));
  const answers = new SlackAnswers();

  messengers.slack = slackMessenger(app.client);

  app.command('/aims', async ({ command, ack, client, context }) => {
    const request = fromSlashCommand(command);
    request.mentions = await withNames(client, request.mentions);
    const response = await router.handle(request);
    if (response.kind === 'none') {
      // A replay of a command that already ran (same trigger_id): the same answer, nothing runs again.
      const earlier = request.dedupeKey ? (answers.get(request.dedupeKey) as CommandAnswer | undefined) : undefined;
      return earlier ? ackWith(ack, context, earlier) : ack();
    }
    if (response.kind === 'form') {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: renderModal(response.form) as never });
      return;
    }
    const answer = commandAnswerOf(response.view);
    if (request.dedupeKey) answers.remember(request.dedupeKey, answer);
    await ackWith(ack, context, answer);
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
    const container = (body as { container?: { channel_id?: string; message_ts?: string } }).container;
    const card =
      isSharedMessage(body) && container?.channel_id && container.message_ts
        ? { channelId: container.channel_id, messageId: container.message_ts }
        : undefined;
    const response = await router.act(originOfInteraction(body), name, args, card);
    // A button inside a modal (or the App Home) has no response_url: its answer is a view.
    const surface = (body as { view?: { id: string; hash?: string; type?: string; title?: { text?: string } } }).view;
    if (surface && body.container?.type === 'view') {
      if (response.kind === 'form') {
        // On top of the modal clicked in (Cancel goes back to it); from the App Home, a new modal.
        if (surface.type === 'modal') await client.views.push({ trigger_id: body.trigger_id, view: renderModal(response.form) as never });
        else await client.views.open({ trigger_id: body.trigger_id, view: renderModal(response.form) as never });
      } else if (response.kind === 'message') {
        const result = renderResultModal(surface.title?.text ?? 'aims', renderMessage(response.view).blocks);
        if (surface.type === 'modal')
          await client.views.update({ view_id: surface.id, ...(surface.hash ? { hash: surface.hash } : {}), view: result as never });
        else await client.views.open({ trigger_id: body.trigger_id, view: result as never });
      }
      return;
    }
    if (response.kind === 'form') {
      await client.views.open({ trigger_id: body.trigger_id, view: renderModal(response.form) as never });
    } else if (response.kind === 'message') {
      // A card in a channel is everyone's: what the click says (done, refused, stale) goes to the
      // clicker alone, and the card itself only ever changes by the update of its record.
      // A message only the clicker sees (ephemeral, a DM with the bot) is replaced in place.
      if (isSharedMessage(body)) await respond({ response_type: 'ephemeral', replace_original: false, ...renderMessage(response.view) });
      else await respond({ replace_original: true, ...renderMessage(response.view) });
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
    const response = await router.open(originOfInteraction(shortcut as never), INCIDENT_REPORT_FORM, { description });
    if (response.kind === 'form') {
      await client.views.open({ trigger_id: shortcut.trigger_id, view: renderModal(response.form) as never });
    } else if (response.kind === 'message') {
      await client.chat.postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, ...renderMessage(response.view) });
    }
  });

  app.options(AI_SYSTEM_PICKER, async ({ ack, body, options }) => {
    const choices = await router.suggest(originOfInteraction(body as never), 'aiSystem', options.value ?? '');
    await ack({
      options: choices.map((choice) => ({ text: { type: 'plain_text', text: choice.label.slice(0, 75) }, value: choice.value })),
    });
  });

  app.event('app_mention', async ({ event, body, client, context }) => {
    if (!event.user) return;
    const request = fromMessageEvent({
      teamId: body.team_id,
      eventId: body.event_id,
      userId: event.user,
      text: event.text,
      ...(context.botUserId ? { botUserId: context.botUserId } : {}),
    });
    request.mentions = await withNames(client, request.mentions);
    const response = await router.handle(request);
    if (response.kind === 'message') {
      await client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, ...renderMessage(response.view) });
    } else if (response.kind === 'form') {
      await client.chat.postMessage({
        channel: event.channel,
        thread_ts: event.thread_ts ?? event.ts,
        text: `Forms open from the slash command: try /aims ${mrkdwnText(request.text)}`,
      });
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
      await client.chat.postMessage({
        channel: message.channel,
        text: `Forms open from the slash command: try /aims ${mrkdwnText(request.text)}`,
      });
    }
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const view = await router.home({
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

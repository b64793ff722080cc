import { checkAdaptiveCard } from './adaptive-card-check.ts';
import { startLoopbackServer } from './loopback-server.ts';

export interface ConnectorActivity {
  /** POST: a new activity (a reply, or a proactive post); PUT: an update of a posted one. */
  method: string;
  path: string;
  activity: Record<string, unknown>;
  /** Problems of every Adaptive Card attached, parsed at version 1.5. */
  problems: string[];
  /** The id the connector answered with (a new message's activity id). */
  id: string;
}

/** A fake Bot Framework connector (the serviceUrl) that records every activity the bot sends. */
export async function startFakeTeamsConnector(members: Record<string, { name: string; aadObjectId: string }> = {}) {
  const activities: ConnectorActivity[] = [];
  /** Conversations Teams refuses to post into (the person removed or blocked the bot): 403, as Teams answers. */
  const refused = new Set<string>();
  /** Each team's channels as the connector lists them (GET /v3/teams/{id}/conversations); General has no name. */
  const teamChannels = new Map<string, Array<{ id: string; name?: string }>>();
  /** The team ids whose channel lists were asked for, in order. */
  const teamLookups: string[] = [];
  let next = 0;
  const server = await startLoopbackServer((req, res, body) => {
    const conversation = /^\/v3\/conversations\/([^/?]+)\/activities/.exec(req.url ?? '')?.[1];
    if (conversation && refused.has(decodeURIComponent(conversation))) {
      res.statusCode = 403;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } }));
      return;
    }
    const team = /^\/v3\/teams\/([^/?]+)\/conversations/.exec(req.url ?? '');
    if (req.method === 'GET' && team) {
      teamLookups.push(decodeURIComponent(team[1] ?? ''));
      const channels = teamChannels.get(decodeURIComponent(team[1] ?? ''));
      res.setHeader('content-type', 'application/json');
      if (!channels) res.statusCode = 404;
      res.end(JSON.stringify(channels ? { conversations: channels } : { error: { code: 'NotFound', message: 'team not found' } }));
      return;
    }
    const member = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? '');
    if (req.method === 'GET' && member) {
      const id = decodeURIComponent(member[1] ?? '');
      const known = members[id];
      res.setHeader('content-type', 'application/json');
      if (!known) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 'NotFound', message: 'member not found' } }));
        return;
      }
      res.end(
        JSON.stringify({ id, name: known.name, aadObjectId: known.aadObjectId, userPrincipalName: `${known.aadObjectId}@example.com` }),
      );
      return;
    }
    const activity = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const attachments = (activity.attachments as Array<{ contentType: string; content: unknown }> | undefined) ?? [];
    const problems = attachments
      .filter((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive')
      .flatMap((attachment) => checkAdaptiveCard(attachment.content));
    next += 1;
    const id = req.method === 'PUT' ? String(activity.id ?? '') : `reply-${next}`;
    activities.push({ method: req.method ?? 'POST', path: req.url ?? '', activity, problems, id });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id }));
  });
  /** The card of a message as it stands now: its last update, or as it was posted. */
  const cardNow = (conversationId: string, activityId: string): Record<string, unknown> | undefined => {
    const base = `/v3/conversations/${encodeURIComponent(conversationId)}/activities`;
    const latest = activities
      .filter(
        (entry) =>
          (entry.method === 'PUT' && entry.path === `${base}/${encodeURIComponent(activityId)}`) ||
          // A post in the channel, or a reply in one of its threads: the connector's ids are unique.
          (entry.method === 'POST' && entry.id === activityId),
      )
      .at(-1);
    return cardOf(latest?.activity);
  };
  return { serviceUrl: server.url, activities, refused, teamChannels, teamLookups, cardNow, close: server.close };
}

let counter = 0;

/** A Teams message activity as the channel would post it to /api/messages. */
export function teamsMessage(
  serviceUrl: string,
  text: string,
  options: {
    user?: string;
    name?: string;
    tenant?: string;
    conversationType?: 'personal' | 'channel';
    mentionBot?: boolean;
    id?: string;
    conversationId?: string;
    /** The channel's name, as Teams tells it in channelData (it does not for a team's General channel). */
    channelName?: string;
    /** The team a channel message comes from (channelData.team.id), as Teams sends it. */
    teamId?: string;
    /** Other people @mentioned: their Teams ids (29:...) and names; `text` should contain <at>name</at>. */
    mentions?: Array<{ id: string; name: string }>;
  } = {},
) {
  counter += 1;
  const tenant = options.tenant ?? 'tenant-1';
  const conversationType = options.conversationType ?? 'personal';
  const bot = { id: '28:aims-bot', name: 'aims' };
  const mention = options.mentionBot ? `<at>aims</at> ` : '';
  return {
    type: 'message',
    id: options.id ?? `activity-${counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${options.user ?? 'ada'}`, name: options.name ?? 'Ada Lovelace', aadObjectId: options.user ?? 'aad-ada' },
    recipient: bot,
    conversation: { id: options.conversationId ?? `conv-${conversationType}-${options.user ?? 'ada'}`, conversationType, tenantId: tenant },
    channelData: {
      tenant: { id: tenant },
      ...(options.channelName ? { channel: { id: options.conversationId, name: options.channelName } } : {}),
      ...(options.teamId
        ? { team: { id: options.teamId }, ...(options.channelName ? {} : { channel: { id: options.conversationId } }) }
        : {}),
    },
    text: `${mention}${text}`,
    entities: [
      ...(options.mentionBot ? [{ type: 'mention', text: '<at>aims</at>', mentioned: bot }] : []),
      ...(options.mentions ?? []).map((who) => ({
        type: 'mention',
        text: `<at>${who.name}</at>`,
        mentioned: { id: who.id, name: who.name },
      })),
    ],
  };
}

/** An Action.Execute click as Teams sends it: an adaptiveCard/action invoke with the action's data and the inputs. */
export function teamsInvoke(
  serviceUrl: string,
  action: { verb: string; data: Record<string, unknown> },
  /** `replyToId`: the bot's message the card is (Teams sends it with every Action.Execute on a posted card). */
  options: { user?: string; name?: string; tenant?: string; replyToId?: string } = {},
) {
  counter += 1;
  const tenant = options.tenant ?? 'tenant-1';
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `invoke-${counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${options.user ?? 'ada'}`, name: options.name ?? 'Ada Lovelace', aadObjectId: options.user ?? 'aad-ada' },
    recipient: { id: '28:aims-bot', name: 'aims' },
    conversation: { id: `conv-personal-${options.user ?? 'ada'}`, conversationType: 'personal', tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data }, trigger: 'manual' },
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
  };
}

type Card = Record<string, unknown>;

/** Where a card sits in a shared conversation: the channel (or group chat) and the message's activity id. */
export interface PostedIn {
  conversationId: string;
  activityId: string;
  conversationType?: 'channel' | 'groupChat';
}

/** A dialog invoke as Teams sends it from a button on a card in a channel: task/fetch (open) or task/submit (its submit). */
export function teamsTaskInvoke(
  serviceUrl: string,
  name: 'task/fetch' | 'task/submit',
  data: Record<string, unknown>,
  where: PostedIn,
  options: { user?: string; name?: string; tenant?: string } = {},
) {
  counter += 1;
  const tenant = options.tenant ?? 'tenant-1';
  return {
    type: 'invoke',
    name,
    id: `invoke-${counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${options.user ?? 'ada'}`, name: options.name ?? 'Ada Lovelace', aadObjectId: options.user ?? 'aad-ada' },
    recipient: { id: '28:aims-bot', name: 'aims' },
    conversation: {
      id: `${where.conversationId};messageid=${where.activityId}`,
      conversationType: where.conversationType ?? 'channel',
      tenantId: tenant,
    },
    replyToId: where.activityId,
    channelData: { tenant: { id: tenant }, channel: { id: where.conversationId } },
    value: { data, context: { theme: 'default' } },
  };
}

/** An Action.Execute click on a card in a channel (or group chat), as Teams sends it. */
export function teamsSharedInvoke(
  serviceUrl: string,
  action: { verb: string; data: Record<string, unknown> },
  where: PostedIn,
  options: { user?: string; name?: string; tenant?: string } = {},
) {
  const task = teamsTaskInvoke(serviceUrl, 'task/fetch', {}, where, options);
  return {
    ...task,
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data }, trigger: 'manual' },
  };
}

/** Every Action.Submit of a card (buttons that open a dialog, and a dialog's own submit), by title: its data. */
export function submitActions(card: Card | undefined): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const element = node as Card;
    if (element.type === 'Action.Submit') out[String(element.title)] = (element.data as Record<string, unknown>) ?? {};
    Object.values(element).forEach(visit);
  };
  visit(card);
  return out;
}

/** Fills a dialog's form card as a person would and returns the data of its submit (what task/submit carries). */
export function fillDialog(card: Card | undefined, title: string, values: Record<string, string>): Record<string, unknown> {
  const data = submitActions(card)[title];
  if (!data) throw new Error(`no submit "${title}" in the dialog`);
  const filled: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(cardInputs(card))) if (value !== undefined) filled[id] = String(value);
  return { ...data, ...filled, ...values };
}

/** Every Action.Execute of a card (top-level actions and ActionSets), by title. */
export function executeActions(card: Card | undefined): Record<string, { verb: string; data: Record<string, unknown> }> {
  const out: Record<string, { verb: string; data: Record<string, unknown> }> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const element = node as Card;
    if (element.type === 'Action.Execute')
      out[String(element.title)] = { verb: String(element.verb), data: (element.data as Record<string, unknown>) ?? {} };
    Object.values(element).forEach(visit);
  };
  visit(card);
  return out;
}

/** The ids and current values of a card's inputs, wherever they sit (columns, containers). */
export function cardInputs(card: Card | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const element = node as Card;
    if (typeof element.type === 'string' && element.type.startsWith('Input.')) out[String(element.id)] = element.value;
    for (const [key, value] of Object.entries(element)) if (key !== 'choices') visit(value);
  };
  visit(card?.body);
  return out;
}

/** Fills a form card as a person would and returns the Action.Execute payload of its submit button. */
export function fillCard(card: Card | undefined, title: string, values: Record<string, string>) {
  const action = executeActions(card)[title];
  if (!action) throw new Error(`no button "${title}" on the card`);
  const inputs = cardInputs(card);
  const filled: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(inputs)) if (value !== undefined) filled[id] = String(value);
  return { verb: action.verb, data: { ...action.data, ...filled, ...values } };
}

/** The Adaptive Card of a connector activity. */
export function cardOf(activity: Record<string, unknown> | undefined): Card | undefined {
  return (activity?.attachments as Array<{ content: Card }> | undefined)?.[0]?.content;
}

import { checkAdaptiveCard } from './adaptive-card-check.ts';
import { startLoopbackServer } from './loopback-server.ts';

export interface ConnectorActivity {
  /** POST: a new activity (a reply, or a proactive post); PUT: an update of a posted one. */
  method: string;
  path: string;
  activity: Record<string, unknown>;
  /** Problems of every Adaptive Card attached, parsed at version 1.5. */
  problems: string[];
}

/** A fake Bot Framework connector (the serviceUrl) that records every activity the bot sends. */
export async function startFakeTeamsConnector(members: Record<string, { name: string; aadObjectId: string }> = {}) {
  const activities: ConnectorActivity[] = [];
  let next = 0;
  const server = await startLoopbackServer((req, res, body) => {
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
    activities.push({ method: req.method ?? 'POST', path: req.url ?? '', activity, problems });
    next += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ id: `reply-${next}` }));
  });
  return { serviceUrl: server.url, activities, close: server.close };
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
  options: { user?: string; name?: string; tenant?: string } = {},
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
  };
}

type Card = Record<string, unknown>;

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

import { checkAdaptiveCard } from './adaptive-card-check.ts';
import { startLoopbackServer } from './loopback-server.ts';

export interface ConnectorActivity {
  path: string;
  activity: Record<string, unknown>;
  /** Problems of every Adaptive Card attached, parsed at version 1.5. */
  problems: string[];
}

/** A fake Bot Framework connector (the serviceUrl) that records every activity the bot sends. */
export async function startFakeTeamsConnector() {
  const activities: ConnectorActivity[] = [];
  let next = 0;
  const server = await startLoopbackServer((req, res, body) => {
    const activity = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const attachments = (activity.attachments as Array<{ contentType: string; content: unknown }> | undefined) ?? [];
    const problems = attachments
      .filter((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive')
      .flatMap((attachment) => checkAdaptiveCard(attachment.content));
    activities.push({ path: req.url ?? '', activity, problems });
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
  options: { user?: string; name?: string; tenant?: string; conversationType?: 'personal' | 'channel'; mentionBot?: boolean; id?: string } = {},
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
    conversation: { id: `conv-${conversationType}-${options.user ?? 'ada'}`, conversationType, tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    text: `${mention}${text}`,
    entities: options.mentionBot ? [{ type: 'mention', text: '<at>aims</at>', mentioned: bot }] : [],
  };
}

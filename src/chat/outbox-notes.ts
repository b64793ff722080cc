import { personLabel } from '../core/identity.ts';
import { CHANNEL_COLUMN, type ChannelPurpose } from '../core/settings/workspace-settings.ts';
import { channelSetupHint } from '../core/settings/settings-service.ts';
import type { ChatServices } from './chat-services.ts';
import type { SendOutcome } from './outbox-sender.ts';

const list = (labels: string[]) => labels.join(' and ');

/**
 * What became of the channel posts of a new record, for the person who created it: posted (with a
 * link), queued (still being retried), or not posted (a channel not set up, or given up).
 */
export async function postsNote(
  services: ChatServices,
  workspaceId: number,
  subject: string,
  outcomes: SendOutcome[],
  expected: ChannelPurpose[],
  postedSuffix = '',
): Promise<string> {
  const settings = await services.settings.get(workspaceId);
  const label = (purpose: string) => {
    const name = CHANNEL_COLUMN[purpose as ChannelPurpose] ? settings[CHANNEL_COLUMN[purpose as ChannelPurpose]]?.name : undefined;
    return name ? `#${name}` : `the ${purpose} channel`;
  };
  const posted: string[] = [];
  const queued: string[] = [];
  const failed: string[] = [];
  const notSetUp: ChannelPurpose[] = [];
  let link: string | undefined;
  const rows = (await services.outbox.of(workspaceId, subject)).filter((message) => message.kind === 'post');
  for (const purpose of expected) {
    const row = rows.find((message) => message.target === purpose);
    if (!row) {
      failed.push(`${label(purpose)} (not set up)`);
      notSetUp.push(purpose);
      continue;
    }
    const outcome = outcomes.find((o) => o.message.id === row.id);
    const state = outcome?.result ?? (row.status === 'sent' ? 'sent' : row.status === 'failed' ? 'failed' : 'queued');
    if (state === 'sent') {
      posted.push(label(purpose));
      if (!link && outcome?.link) link = outcome.link;
    } else if (state === 'failed') failed.push(label(purpose));
    else queued.push(label(purpose));
  }
  return [
    posted.length > 0 ? ` Posted to ${list(posted)}${postedSuffix}${link ? `: ${link}` : ''}.` : '',
    queued.length > 0
      ? ` Posting to ${list(queued)} is queued: it goes out as soon as ${(await services.outbox.platformOf(workspaceId)) === 'teams' ? 'Teams' : 'Slack'} answers.`
      : '',
    failed.length > 0
      ? ` Could not post to ${list(failed)}${
          // A channel not chosen yet: how to choose it, in the platform's own steps.
          notSetUp[0]
            ? `. ${channelSetupHint((await services.outbox.platformOf(workspaceId)) ?? 'slack', notSetUp[0])}`
            : '; an admin can check the setup.'
        }`
      : '',
  ].join('');
}

/** Where a Teams person opens a chat with the bot (the bot id as Teams gives it: "28:<app id>"). */
export function teamsBotLink(botId: string | undefined): string | undefined {
  if (!botId) return undefined;
  const id = botId.startsWith('28:') ? botId : `28:${botId}`;
  return `https://teams.microsoft.com/l/chat/0/0?users=${id}`;
}

/** The bot's own Teams id, from the conversation the person acting is in (Slack: undefined). */
export function botIdOf(origin: { conversation?: { reference?: unknown } }): string | undefined {
  const bot = (origin.conversation?.reference as { bot?: { id?: unknown } } | undefined)?.bot;
  return typeof bot?.id === 'string' && bot.id !== '' ? bot.id : undefined;
}

export interface DeliveryNoteOptions {
  /** Only the direct messages of this notice (release.decided ...); default: all of the record's. */
  notice?: string;
  /** What to say when everyone was reached ("Attendees were told."). */
  told: string;
  /** The bot's Teams id, for the link that opens a chat with it. */
  botId?: string;
  /**
   * Only the messages this change sent or still waiting (a record that was told things before,
   * like a release edited twice); default: every one of the record's.
   */
  onlyThisChange?: boolean;
}

/**
 * What became of the direct messages about a record, for the person who acted: everyone told, or
 * who could not be reached yet (still being retried) or at all, by name, and how to fix it (on
 * Teams the person must open a chat with the bot once: a link to it).
 */
export async function deliveryNote(
  services: ChatServices,
  workspaceId: number,
  subject: string,
  outcomes: SendOutcome[],
  options: DeliveryNoteOptions,
): Promise<string> {
  const sentNow = new Set(outcomes.map((outcome) => outcome.message.id));
  const rows = (await services.outbox.of(workspaceId, subject))
    .filter((message) => message.kind === 'direct' && (options.notice === undefined || message.detail === options.notice))
    .filter(
      (message) => !options.onlyThisChange || sentNow.has(message.id) || message.status === 'pending' || message.status === 'sending',
    );
  if (rows.length === 0) return '';
  const nameOf = async (id: string) => {
    const person = await services.directory.personById(workspaceId, Number(id));
    return person ? personLabel(person) : `person #${id}`;
  };
  const queued: string[] = [];
  const failed: string[] = [];
  const reasons = new Set<string>();
  for (const row of rows) {
    const outcome = outcomes.find((o) => o.message.id === row.id);
    // A message this request did not see settle reads from its row: only 'sent' counts as told.
    const state = outcome?.result ?? (row.status === 'sent' ? 'sent' : row.status === 'failed' ? 'failed' : 'queued');
    if (state === 'failed') {
      failed.push(await nameOf(row.target));
      const reason = row.lastError;
      if (reason) reasons.add(reason.replace(/\.$/, ''));
    } else if (state === 'queued') queued.push(await nameOf(row.target));
  }
  if (queued.length === 0 && failed.length === 0) return options.told;
  const teams = (await services.outbox.platformOf(workspaceId)) === 'teams';
  const link = teams ? teamsBotLink(options.botId) : undefined;
  const them = failed.length === 1 ? 'they' : 'each of them';
  const fix = teams
    ? `: on Teams the bot can only message people who have opened a chat with it once. Ask ${list(failed)} to open a chat with the bot (in Teams: Apps, find the bot, Open, and say hello${link ? `, or open ${link}` : ''}); ${them} will be reached from then on.`
    : `${reasons.size > 0 ? ` (${[...reasons].join('; ')})` : ''}: check that ${failed.length === 1 ? 'their account is' : 'their accounts are'} active and can receive messages from the app.`;
  return [
    failed.length > 0 ? `Could not tell ${list(failed)}${fix}` : '',
    queued.length > 0 ? `Telling ${list(queued)} is queued: it goes out as soon as ${teams ? 'Teams' : 'Slack'} answers.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** What became of the direct messages to a training session's attendees (see deliveryNote). */
export async function attendeesNote(
  services: ChatServices,
  workspaceId: number,
  subject: string,
  outcomes: SendOutcome[],
  botId?: string,
): Promise<string> {
  return await deliveryNote(services, workspaceId, subject, outcomes, { told: 'Attendees were told.', ...(botId ? { botId } : {}) });
}

import { CHANNEL_COLUMN, type ChannelPurpose } from '../core/settings/workspace-settings.ts';
import { channelSetupHint } from '../core/settings/settings-service.ts';
import type { ChatServices } from './chat-services.ts';
import type { SendOutcome } from './outbox-sender.ts';

const list = (labels: string[]) => labels.join(' and ');

/**
 * What became of the channel posts of a new record, for the person who created it: posted (with a
 * link), queued (still being retried), or not posted (a channel not set up, or given up).
 */
export function postsNote(
  services: ChatServices,
  workspaceId: number,
  subject: string,
  outcomes: SendOutcome[],
  expected: ChannelPurpose[],
  postedSuffix = '',
): string {
  const settings = services.settings.get(workspaceId);
  const label = (purpose: string) => {
    const name = CHANNEL_COLUMN[purpose as ChannelPurpose] ? settings[CHANNEL_COLUMN[purpose as ChannelPurpose]]?.name : undefined;
    return name ? `#${name}` : `the ${purpose} channel`;
  };
  const posted: string[] = [];
  const queued: string[] = [];
  const failed: string[] = [];
  const notSetUp: ChannelPurpose[] = [];
  let link: string | undefined;
  const rows = services.outbox.of(workspaceId, subject).filter((message) => message.kind === 'post');
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
      ? ` Posting to ${list(queued)} is queued: it goes out as soon as ${services.outbox.platformOf(workspaceId) === 'teams' ? 'Teams' : 'Slack'} answers.`
      : '',
    failed.length > 0
      ? ` Could not post to ${list(failed)}${
          // A channel not chosen yet: how to choose it, in the platform's own steps.
          notSetUp[0]
            ? `. ${channelSetupHint(services.outbox.platformOf(workspaceId) ?? 'slack', notSetUp[0])}`
            : '; an admin can check the setup.'
        }`
      : '',
  ].join('');
}

/**
 * What became of the direct messages about a record (a training session's attendees): everyone told,
 * or who could not be reached yet (still being retried) or at all, by name.
 */
export function attendeesNote(services: ChatServices, workspaceId: number, subject: string, outcomes: SendOutcome[]): string {
  const rows = services.outbox.of(workspaceId, subject).filter((message) => message.kind === 'direct');
  if (rows.length === 0) return '';
  const nameOf = (id: string) => {
    const person = services.directory.personById(workspaceId, Number(id));
    return person ? (person.displayName ?? person.externalId) : `person #${id}`;
  };
  const queued: string[] = [];
  const failed: string[] = [];
  for (const row of rows) {
    const state =
      outcomes.find((o) => o.message.id === row.id)?.result ??
      (row.status === 'sent' ? 'sent' : row.status === 'failed' ? 'failed' : 'queued');
    if (state === 'failed') failed.push(nameOf(row.target));
    else if (state === 'queued') queued.push(nameOf(row.target));
  }
  if (queued.length === 0 && failed.length === 0) return 'Attendees were told.';
  const teams = services.outbox.platformOf(workspaceId) === 'teams';
  return [
    failed.length > 0
      ? `Could not tell ${list(failed)}${teams ? ': on Teams the bot can only message people who have opened a chat with it once (they can find the bot under Apps and say hello).' : '.'}`
      : '',
    queued.length > 0 ? `Telling ${list(queued)} is queued: it goes out as soon as ${teams ? 'Teams' : 'Slack'} answers.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

import type { Digest } from '../../core/digest/digest-service.ts';
import { personLabel, type Platform } from '../../core/identity.ts';
import type { RoleHolder } from '../../core/roles.ts';
import { channelSetupHint } from '../../core/settings/settings-service.ts';
import type { StatusSummary } from '../../core/status-service.ts';
import { verdictText } from './digest-view.ts';
import { formatInstant } from './format-time.ts';
import type { Block, MessageView, RichText } from './view.ts';

/** What the status leads with: the digest's verdict and its records, and the first-run guide. */
export interface StatusLead {
  digest: Pick<Digest, 'concerns' | 'attention'>;
  /** From the first-run guide: `empty` (nothing recorded: show `blocks`, the checklist) or the progress blocks. */
  guide: { empty: boolean; blocks: Block[] };
  platform: Platform;
}

/** How many of the items that most need attention the status shows, each with its button. */
export const ATTENTION_SHOWN = 3;

const NAMES_SHOWN = 10;

function names(holders: RoleHolder[]): RichText {
  if (holders.length === 0) return 'nobody yet';
  const shown = holders.slice(0, NAMES_SHOWN).map((holder) => personLabel(holder));
  const rest = holders.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** The verdict line, then the items that most need attention, each followed by the button that acts on it. */
function leadBlocks(lead: StatusLead): Block[] {
  const blocks: Block[] = [{ type: 'text', text: verdictText(lead.digest) }];
  for (const item of lead.digest.attention.slice(0, ATTENTION_SHOWN)) {
    blocks.push({ type: 'text', text: [{ text: `• ${item.what}`, style: 'bold' }, { text: ` — ${item.why}` }] });
    if (item.button) blocks.push({ type: 'actions', buttons: [item.button] });
  }
  const more = lead.digest.attention.length - ATTENTION_SHOWN;
  if (more > 0) blocks.push({ type: 'context', text: `and ${more} more in the weekly digest's list.` });
  blocks.push(...lead.guide.blocks);
  return blocks;
}

/** An empty workspace: no zeros, the checklist of what to do first. */
function emptyStatusView(summary: StatusSummary, timeZone: string, lead: StatusLead): MessageView {
  const title = summary.workspace.name ? `AIMS status · ${summary.workspace.name}` : 'AIMS status';
  return {
    summary: 'AIMS status: nothing recorded yet. Get started: add your first AI system.',
    blocks: [
      { type: 'header', text: title },
      { type: 'context', text: `As of ${formatInstant(summary.asOf, timeZone)}` },
      { type: 'text', text: 'Nothing to report yet: no AI system, incident, release, course or review is recorded. Start here:' },
      ...lead.guide.blocks,
    ],
    visibility: 'private',
  };
}

/**
 * `/aims status`: the verdict (the weekly digest's rule) and what most needs attention first, then one
 * section per area of the AIMS; an empty workspace gets the "Get started" checklist instead of zeros.
 */
export function statusView(summary: StatusSummary, timeZone: string, lead: StatusLead): MessageView {
  if (lead.guide.empty) return emptyStatusView(summary, timeZone, lead);
  const { roles, evidence, audit } = summary;
  const title = summary.workspace.name ? `AIMS status · ${summary.workspace.name}` : 'AIMS status';
  const blocks: Block[] = [
    { type: 'header', text: title },
    { type: 'context', text: `As of ${formatInstant(summary.asOf, timeZone)}` },
    ...leadBlocks(lead),
    // One block per area, headed by its title, and none for an area with nothing to say (not in use
    // yet): Slack shows at most 50 blocks, and every area adds one.
    { type: 'divider' },
    ...summary.sections.flatMap((section): Block[] =>
      section.fields.length === 0 ? [] : [{ type: 'fields', title: [{ text: section.title, style: 'bold' }], fields: section.fields }],
    ),
    { type: 'divider' },
    {
      type: 'fields',
      title: [{ text: 'People and roles', style: 'bold' }],
      fields: [
        { label: 'People known', value: String(summary.people) },
        { label: 'Admins', value: names(roles.admins) },
        { label: 'Approvers', value: names(roles.approvers) },
        { label: 'Leadership', value: names(roles.leadership) },
      ],
    },
    {
      type: 'context',
      text: summary.setup.done
        ? `Setup done: every channel chosen, releases need ${count(summary.setup.defaultApprovals ?? 0, 'approval', 'approvals')}.`
        : `Setup not finished: no ${summary.setup.missingChannels.join(', ')} channel yet. ${channelSetupHint(lead.platform, summary.setup.missingChannels[0] ?? 'incidents')}`,
    },
    { type: 'divider' },
    {
      type: 'fields',
      title: [{ text: 'ISO/IEC 42001 evidence', style: 'bold' }],
      fields: [
        {
          label: 'Annex A controls with records',
          value: `${evidence.controls.covered.length} of ${evidence.controls.total}${listIds(evidence.controls.covered)}`,
        },
        {
          label: 'Clauses with records',
          value: `${evidence.clauses.covered.length} of ${evidence.clauses.total}${listIds(evidence.clauses.covered)}`,
        },
      ],
    },
    { type: 'divider' },
    {
      type: 'fields',
      title: [{ text: 'Audit trail', style: 'bold' }],
      fields: [
        { label: 'Events in this workspace', value: String(audit.workspaceEvents) },
        {
          label: 'Chain head',
          value: audit.head ? [{ text: `#${audit.head.sequence} ` }, { text: audit.head.hash.slice(0, 16), style: 'code' }] : 'empty',
        },
      ],
    },
    { type: 'context', text: outboxLine(summary.outbox, summary.asOf) },
  ];
  const text = `AIMS status: ${count(summary.activeSystems, 'active AI system', 'active AI systems')}, ${count(summary.people, 'person', 'people')}, ${count(roles.admins.length, 'admin', 'admins')}, ${evidence.controls.covered.length}/${evidence.controls.total} Annex A controls with records.`;
  return { summary: text, blocks, visibility: 'private' };
}

/** Posts and updates not sent yet: waiting (retried), or failed (given up). */
function outboxLine(outbox: StatusSummary['outbox'], asOf: string): string {
  if (outbox.waiting === 0 && outbox.failed === 0) return 'Channel posts: everything sent.';
  const parts = [
    outbox.waiting > 0
      ? `${outbox.waiting} waiting to be sent${outbox.oldestWaiting ? ` (oldest queued ${ageOf(outbox.oldestWaiting, asOf)} ago)` : ''}`
      : '',
    outbox.failed > 0 ? `${outbox.failed} failed` : '',
  ].filter(Boolean);
  const latest = outbox.latest.map(
    (item) => `${item.what}: ${item.status === 'failed' ? 'failed' : 'waiting'}${item.error ? ` (${item.error.slice(0, 80)})` : ''}`,
  );
  return `Channel posts: ${parts.join(', ')}. ${latest.join('; ')}.`;
}

/** "3 days", "5 hours": how long ago `from` was, as of `asOf`. */
export function ageOf(from: string, asOf: string): string {
  const hours = Math.max(0, Math.floor((new Date(asOf).getTime() - new Date(from).getTime()) / 3_600_000));
  if (hours < 1) return 'under an hour';
  if (hours < 48) return count(hours, 'hour', 'hours');
  return count(Math.floor(hours / 24), 'day', 'days');
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function listIds(ids: string[]): string {
  if (ids.length === 0) return '';
  const shown = ids.slice(0, 12);
  return ` (${shown.join(', ')}${ids.length > shown.length ? ', …' : ''})`;
}

import { personLabel } from '../../core/identity.ts';
import type { RoleHolder } from '../../core/roles.ts';
import type { StatusSummary } from '../../core/status-service.ts';
import { formatInstant } from './format-time.ts';
import type { Block, MessageView, RichText } from './view.ts';

const NAMES_SHOWN = 10;

function names(holders: RoleHolder[]): RichText {
  if (holders.length === 0) return 'nobody yet';
  const shown = holders.slice(0, NAMES_SHOWN).map((holder) => personLabel(holder));
  const rest = holders.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** `/aims status`: a read-only summary, one section per area of the AIMS. */
export function statusView(summary: StatusSummary, timeZone: string): MessageView {
  const { roles, evidence, audit } = summary;
  const title = summary.workspace.name ? `AIMS status · ${summary.workspace.name}` : 'AIMS status';
  const blocks: Block[] = [
    { type: 'header', text: title },
    { type: 'context', text: `As of ${formatInstant(summary.asOf, timeZone)}` },
    ...summary.sections.flatMap((section): Block[] => [
      { type: 'divider' },
      { type: 'text', text: [{ text: section.title, style: 'bold' }] },
      { type: 'fields', fields: section.fields },
    ]),
    { type: 'divider' },
    { type: 'text', text: [{ text: 'People and roles', style: 'bold' }] },
    {
      type: 'fields',
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
        : `Setup not finished: no ${summary.setup.missingChannels.join(', ')} channel yet. An admin can run setup.`,
    },
    { type: 'divider' },
    { type: 'text', text: [{ text: 'ISO/IEC 42001 evidence', style: 'bold' }] },
    {
      type: 'fields',
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
    { type: 'text', text: [{ text: 'Audit trail', style: 'bold' }] },
    {
      type: 'fields',
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

import { personLabel } from '../../core/identity.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatDate, formatInstant } from '../../chat/views/format-time.ts';
import type { Block, MessageView, RichText } from '../../chat/views/view.ts';
import { ANNEX_A_CONTROLS, claimsWithoutEvidence, SOA_STATE_LABELS, soaVersionKey, type SoaRow, type SoaVersion } from './domain.ts';
import { SOA_ACTIONS } from './forms.ts';
import type { SoaOverview } from './service.ts';

/** The counts of the summary: applicable, implemented, with evidence (12 months), and the claims an auditor picks. */
export function soaCounts(rows: readonly SoaRow[]) {
  const applicable = rows.filter((row) => row.entry.applicable);
  return {
    applicable: applicable.length,
    implemented: applicable.filter((row) => row.entry.state === 'implemented').length,
    withEvidence: applicable.filter((row) => row.evidence.count > 0).length,
    withoutEvidence: claimsWithoutEvidence(rows),
  };
}

/** "v3 approved on 2 Dec 2026 · changed since v3", "v4 awaiting approval: 1 of 2", "never approved". */
export function versionLine(overview: SoaOverview, timeZone: string): string {
  const { approved, changedSinceApproved, pending } = overview;
  const parts: string[] = [];
  if (approved)
    parts.push(`${soaVersionKey(approved)} approved${approved.approvedAt ? ` on ${formatInstant(approved.approvedAt, timeZone)}` : ''}`);
  else parts.push('Never approved');
  if (changedSinceApproved && approved) parts.push(`changed since v${approved.version}`);
  if (pending)
    parts.push(`${soaVersionKey(pending.version)} awaiting approval: ${pending.decisions.length} of ${pending.version.approvalsNeeded}`);
  return parts.join(' · ');
}

const LISTED = 15;

/**
 * The SoA card: the summary counts, the version line and the controls claiming "implemented" with no
 * evidence; for the card of a version put up for approval, its approvals and an Approve button while it waits.
 */
export function soaCardView(overview: SoaOverview, timeZone: string, options: { version?: SoaVersion; note?: string } = {}): MessageView {
  const counts = soaCounts(overview.rows);
  const blocks: Block[] = [];
  if (options.note) blocks.push({ type: 'text', text: options.note });
  const version = options.version;
  blocks.push(
    { type: 'header', text: version ? `Statement of Applicability · ${soaVersionKey(version)}` : 'Statement of Applicability' },
    {
      type: 'fields',
      fields: [
        { label: 'Applicable', value: `${counts.applicable} of ${ANNEX_A_CONTROLS.length} controls` },
        { label: 'Implemented', value: String(counts.implemented) },
        { label: 'With evidence (12 months)', value: String(counts.withEvidence) },
        { label: 'Version', value: versionLine(overview, timeZone) },
        ...(version ? versionFields(overview, version) : []),
      ],
    },
  );
  const missing = counts.withoutEvidence;
  blocks.push({
    type: 'text',
    text:
      missing.length === 0
        ? 'No control claims “implemented” without evidence in the last 12 months.'
        : `Implemented, but no evidence in the last 12 months (${missing.length}):`,
  });
  if (missing.length > 0)
    blocks.push({
      type: 'list',
      items: missing.slice(0, LISTED).map((row): RichText => `${row.control.id} ${row.control.title}`),
      ...(missing.length > LISTED ? { more: missing.length - LISTED } : {}),
    });
  const buttons: ButtonView[] = [];
  const waiting = overview.pending?.version;
  if (waiting && (!version || version.id === waiting.id))
    buttons.push({
      label: `Approve ${soaVersionKey(waiting)}`,
      action: SOA_ACTIONS.approve,
      args: { version: String(waiting.id), seen: waiting.contentHash },
      style: 'primary',
    });
  if (!version && !waiting && (!overview.approved || overview.changedSinceApproved))
    buttons.push({ label: 'Request approval', action: SOA_ACTIONS.requestApproval, args: {} });
  buttons.push({ label: 'Edit a control…', action: SOA_ACTIONS.edit, args: {}, opensForm: true });
  if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  const title = version ? `Statement of Applicability ${soaVersionKey(version)}` : 'Statement of Applicability';
  return {
    summary: `${title}: ${counts.applicable} applicable, ${counts.implemented} implemented, ${missing.length} without evidence`,
    blocks,
    visibility: 'public',
  };
}

function versionFields(overview: SoaOverview, version: SoaVersion): Array<{ label: string; value: RichText }> {
  const status = version.status === 'pending' ? 'Awaiting approval' : version.status === 'approved' ? 'Approved' : 'Superseded';
  const fields: Array<{ label: string; value: RichText }> = [{ label: 'Status', value: status }];
  if (overview.pending?.version.id === version.id) {
    const names = overview.pending.decisions.map((decision) => {
      const person = overview.people.get(decision.personId);
      return person ? personLabel(person) : `person #${decision.personId}`;
    });
    fields.push({
      label: 'Approvals',
      value: `${names.length} of ${version.approvalsNeeded}${names.length > 0 ? ` (${names.join(', ')})` : ''}`,
    });
  }
  return fields;
}

/** One control: applicability, justification, state, owner, and its live evidence. */
export function soaControlView(row: SoaRow, note?: string): MessageView {
  const { control, entry, owner, evidence } = row;
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${control.id} ${control.title}`.slice(0, 150) },
    {
      type: 'fields',
      fields: [
        { label: 'Applicable', value: entry.applicable ? 'Yes' : 'No (excluded)' },
        { label: 'State', value: SOA_STATE_LABELS[entry.state] },
        { label: 'Owner', value: owner ? [{ text: owner.name, mention: owner.externalId }] : 'nobody yet' },
        {
          label: 'Evidence (12 months)',
          value: `${evidence.count} record(s)${control.evidence.length > 0 ? ` of ${control.evidence.join(', ')}` : ''} or risks it treats`,
        },
        { label: 'Last evidence', value: evidence.lastDate ? formatDate(evidence.lastDate) : 'none in 12 months' },
        { label: 'Justification', value: entry.justification ?? (entry.applicable ? 'none given' : 'missing') },
      ],
    },
    { type: 'context', text: control.group },
  );
  if (control.evidence.length === 0) blocks.push({ type: 'context', text: 'The bot records no evidence for this control yet.' });
  blocks.push({
    type: 'actions',
    buttons: [
      { label: 'Edit', action: SOA_ACTIONS.edit, args: { control: control.id }, opensForm: true },
      { label: 'Summary', action: SOA_ACTIONS.show, args: {} },
    ],
  });
  return {
    summary: `${control.id} ${control.title}: ${entry.applicable ? SOA_STATE_LABELS[entry.state] : 'excluded'}`,
    blocks,
    visibility: 'private',
  };
}

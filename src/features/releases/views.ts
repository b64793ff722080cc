import type { RoleHolder } from '../../core/roles.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import { CHANGE_TYPE_LABELS, domainOf, releaseKey, type AcceptanceCriterion, type Release, type ReleaseMetric } from './domain.ts';
import type { ApproverShortfall, ReleaseDetails } from './service.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import { pagedFooter } from '../../chat/views/paged-footer.ts';
import { linkSpan, mentionSpan, type Block, type MessageView, type RichText, type Span, type Tone } from '../../chat/views/view.ts';
import { RELEASE_ACTIONS } from './forms.ts';

const STATUS: Record<Release['status'], string> = {
  pending: 'Pending sign-off',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
};
const STATUS_TONE: Partial<Record<Release['status'], Tone>> = { pending: 'warning', approved: 'good', rejected: 'attention' };
const statusSpan = (status: Release['status']): Span => ({
  text: STATUS[status],
  ...(STATUS_TONE[status] ? { tone: STATUS_TONE[status] } : {}),
});
const sign = (comparison: '>=' | '<=') => (comparison === '>=' ? '≥' : '≤');

export function criterionText(criterion: Pick<AcceptanceCriterion, 'metric' | 'comparison' | 'threshold' | 'dataset'>): string {
  return `${criterion.metric} ${sign(criterion.comparison)} ${criterion.threshold} on ${criterion.dataset}`;
}

function metricLine(metric: ReleaseMetric): RichText {
  if (metric.comparison === null || metric.threshold === null)
    return [{ text: `${metric.metric}${metric.dataset ? ` on ${metric.dataset}` : ''}: ${metric.measured}` }];
  return [
    metric.passed ? { text: 'PASS', style: 'bold', tone: 'good' } : { text: 'FAIL', style: 'bold', tone: 'attention' },
    { text: ` ${metric.metric} on ${metric.dataset}: measured ${metric.measured}, needs ${sign(metric.comparison)} ${metric.threshold}` },
  ];
}

const who = (people: Map<number, Person>, id: number) => {
  const person = people.get(id);
  return person ? personLabel(person) : `person #${id}`;
};

const MENTIONED = 10;
function waitingOn(people: RoleHolder[]): RichText {
  const spans: Span[] = [];
  people.slice(0, MENTIONED).forEach((person, i) => {
    if (i > 0) spans.push({ text: ', ' });
    spans.push(mentionSpan(person.externalId, personLabel(person)));
  });
  if (people.length > MENTIONED) spans.push({ text: ` and ${people.length - MENTIONED} more approvers` });
  return spans;
}

/** The sign-off card: criteria table, the change, who asked, who approved, and the buttons while pending. */
export function releaseCardView(details: ReleaseDetails, timeZone: string, note?: string): MessageView {
  const { release, system, metrics, decisions, people, approvals } = details;
  const active = decisions.filter((d) => d.active);
  const approvers = active.filter((d) => d.decision === 'approve').map((d) => who(people, d.personId));
  // While pending, the approvers who can still decide are @mentioned: the card asks them.
  const decided = new Set(active.map((d) => d.personId));
  const asked =
    release.status === 'pending'
      ? (details.approvers ?? []).filter((p) => p.personId !== release.requesterPersonId && !decided.has(p.personId))
      : [];
  const judged = metrics.filter((m) => m.comparison !== null && m.threshold !== null);
  const extras = metrics.filter((m) => m.comparison === null || m.threshold === null);
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${releaseKey(release)} · ${system.name} ${release.version}` },
    {
      type: 'fields',
      fields: [
        { label: 'Status', value: [statusSpan(release.status)] },
        {
          label: 'Approvals',
          value: `${approvals} of ${release.approvalsNeeded}${approvers.length > 0 ? ` (${approvers.join(', ')})` : ''}`,
        },
        { label: 'Change', value: CHANGE_TYPE_LABELS[release.changeType] },
        ...(details.impactAssessmentDue
          ? [{ label: 'Impact assessment due', value: [{ text: `Until one is signed for ${system.name}`, tone: 'attention' as const }] }]
          : []),
        { label: 'Requested by', value: who(people, release.requesterPersonId) },
        ...(asked.length > 0 ? [{ label: 'Waiting on', value: waitingOn(asked) }] : []),
        // The link was checked as an http(s) URL by the release schema: it may be clickable.
        ...(release.evaluationLink ? [{ label: 'Evaluation run', value: [linkSpan(release.evaluationLink)] }] : []),
        { label: 'Requested', value: formatInstant(release.createdAt, timeZone) },
      ],
    },
    { type: 'text', text: [{ text: 'What changed: ', style: 'bold' }, { text: release.whatChanged }] },
    { type: 'text', text: [{ text: 'Acceptance criteria', style: 'bold' }] },
    judged.length > 0
      ? { type: 'list', items: judged.map(metricLine) }
      : { type: 'text', text: 'No acceptance criteria are set for this system.' },
  );
  // Metrics reported beside the criteria are listed on their own: they pass or fail nothing.
  if (extras.length > 0)
    blocks.push(
      { type: 'text', text: [{ text: 'Other metrics reported (no criterion)', style: 'bold' }] },
      { type: 'list', items: extras.map(metricLine) },
    );
  if (release.justification)
    blocks.push({
      type: 'text',
      text: [{ text: 'Why ship despite a failed criterion: ', style: 'bold' }, { text: release.justification }],
    });
  blocks.push({ type: 'text', text: [{ text: 'Known risks and limitations: ', style: 'bold' }, { text: release.risks }] });
  if (decisions.length > 0) {
    blocks.push({
      type: 'context',
      text: decisions
        .map(
          (d) =>
            `${who(people, d.personId)} ${d.decision === 'approve' ? 'approved' : 'rejected'}${d.comment ? `: “${d.comment.slice(0, 200)}”` : ''}${d.active ? '' : ' (dropped by an edit)'}`,
        )
        .join(' · '),
    });
  }
  blocks.push({ type: 'context', text: `Content hash ${release.contentHash.slice(0, 16)}` });
  if (release.status === 'pending') {
    // The content hash rides along: a decision from a card of an older version is refused.
    const args = { release: String(release.id), seen: release.contentHash };
    const buttons: ButtonView[] = [
      { label: 'Approve', action: RELEASE_ACTIONS.approve, args, style: 'primary' },
      { label: 'Approve with comment…', action: RELEASE_ACTIONS.approveWithComment, args, opensForm: true },
      { label: 'Reject…', action: RELEASE_ACTIONS.reject, args, style: 'danger', opensForm: true },
      {
        label: 'Withdraw',
        action: RELEASE_ACTIONS.withdraw,
        args,
        confirm: {
          title: 'Withdraw this request?',
          text: 'Only the requester can. Approvers will no longer be asked.',
          confirm: 'Withdraw',
          deny: 'Cancel',
          back: { action: RELEASE_ACTIONS.show, args },
        },
      },
    ];
    blocks.push({ type: 'actions', buttons });
  }
  return {
    summary: `${releaseKey(release)} ${system.name} ${release.version}: ${STATUS[release.status]} (${approvals}/${release.approvalsNeeded})`,
    blocks,
    visibility: 'public',
  };
}

export function releaseListView(input: {
  items: Release[];
  total: number;
  page: number;
  pageSize: number;
  systemNames: Map<number, string>;
  filterLabel: string;
  nextPageCommand: string;
}): MessageView {
  const { items, total, page, pageSize } = input;
  if (total === 0)
    return {
      summary: 'No releases',
      blocks: [{ type: 'text', text: `No releases${input.filterLabel ? ` (${input.filterLabel})` : ''}.` }],
      visibility: 'private',
    };
  return {
    summary: `${total} releases`,
    blocks: [
      { type: 'header', text: `Releases${input.filterLabel ? ` · ${input.filterLabel}` : ''}` },
      {
        type: 'list',
        items: items.map((r) => [
          { text: releaseKey(r), style: 'bold' },
          { text: ` ${input.systemNames.get(r.aiSystemId) ?? ''} ${r.version} · ` },
          statusSpan(r.status),
        ]),
        open: items.map((r) => ({ label: 'Open', action: RELEASE_ACTIONS.show, args: { release: String(r.id) } })),
      },
      pagedFooter({ total, page, pageSize, shown: items.length }, input.nextPageCommand),
    ],
    visibility: 'private',
  };
}

export function criteriaView(systemName: string, criteria: AcceptanceCriterion[], prefix: string, note?: string): MessageView {
  return {
    summary: `Acceptance criteria of ${systemName}`,
    blocks: [
      ...(note ? [{ type: 'text' as const, text: note }] : []),
      { type: 'header', text: `Acceptance criteria · ${systemName}` },
      criteria.length > 0
        ? { type: 'list', items: criteria.map((c) => `${criterionText(c)}${domainOf(c) ? ` · values ${domainOf(c)?.label}` : ''}`) }
        : { type: 'text', text: 'None yet: releases of this system are judged on their description only.' },
      {
        type: 'context',
        text: [
          { text: 'Owner or admin: ' },
          { text: `${prefix}system ${systemName} criteria add recall >= 0.92 on holdout`, style: 'code' },
          { text: ' · ' },
          { text: `${prefix}system ${systemName} criteria remove recall`, style: 'code' },
          { text: ' · other bounds: ' },
          { text: `… on holdout range 0..100`, style: 'code' },
        ],
      },
    ],
    visibility: 'private',
  };
}

/** "Only 0 of the 2 approvers this needs ... Ask an admin (alice) to grant the role": said before and after a request. */
export function approverShortfallText(shortfall: ApproverShortfall, prefix: string): string {
  const { eligible, needed, admins } = shortfall;
  const have = eligible === 0 ? 'nobody else here holds' : `only ${eligible} ${eligible === 1 ? 'person holds' : 'people hold'}`;
  const who = admins.length > 0 ? `an admin (${admins.slice(0, 5).join(', ')}${admins.length > 5 ? ' …' : ''})` : 'an admin';
  return (
    `Warning: this request needs ${needed} ${needed === 1 ? 'approval' : 'approvals'} but ${have} the approver role ` +
    `(you cannot approve your own request), so it cannot be signed off yet. ` +
    `Ask ${who} to run ${prefix}role grant @person approver.`
  );
}

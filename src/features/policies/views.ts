import { personLabel, type Person } from '../../core/identity.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import { linkSpan, type Block, type MessageView, type RichText, type Span } from '../../chat/views/view.ts';
import { audienceLabel, policyKey, shareLabel, versionLabel, type Policy, type PolicyVersion, type VersionStatus } from './domain.ts';
import { POLICY_ACTIONS } from './forms.ts';
import type { AckDetails, PolicyDetails, VersionDetails } from './service.ts';

const STATUS: Record<VersionStatus, Span> = {
  pending: { text: 'Awaiting approval', tone: 'warning' },
  approved: { text: 'Approved, not yet published', tone: 'accent' },
  published: { text: 'Published', tone: 'good' },
  superseded: { text: 'Superseded' },
};

const who = (people: Map<number, Person>, id: number) => {
  const person = people.get(id);
  return person ? personLabel(person) : `person #${id}`;
};

const contentBlocks = (version: PolicyVersion): Block[] => [
  ...(version.link ? [{ type: 'text' as const, text: [{ text: 'Document: ', style: 'bold' as const }, linkSpan(version.link)] }] : []),
  ...(version.text ? [{ type: 'text' as const, text: version.text }] : []),
  { type: 'text', text: [{ text: 'What changed: ', style: 'bold' }, { text: version.changes }] },
];

const askedLine = (version: PolicyVersion, people: number) =>
  `${people} ${people === 1 ? 'person' : 'people'} (${audienceLabel(version.audience)}) will each get a message asking them to acknowledge ${versionLabel(version)}.`;

/** Publish: on a card, it first says how many people will be asked (`people`); on the publish confirmation it is the confirmation. */
const publishButton = (policy: Policy, version: PolicyVersion, people?: number): ButtonView => ({
  label: `Publish ${versionLabel(version)}`,
  action: POLICY_ACTIONS.publish,
  args: { policy: String(policy.number), version: String(version.id) },
  style: 'primary',
  ...(people === undefined
    ? {}
    : {
        confirm: {
          title: `Publish ${policy.name} ${versionLabel(version)}?`.slice(0, 100),
          text: askedLine(version, people),
          confirm: 'Publish',
          deny: 'Cancel',
          back: { action: POLICY_ACTIONS.show, args: { policy: String(policy.number) } },
        },
      }),
});

/** A version's card (in the approvals channel): its content, approvals, and once published the share acknowledged. */
export function versionCardView(details: VersionDetails, timeZone: string, note?: string): MessageView {
  const { policy, version, approvals, people } = details;
  const active = approvals.filter((a) => a.active);
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${policyKey(policy)} · ${policy.name} ${versionLabel(version)} · ${version.title}`.slice(0, 150) },
    {
      type: 'fields',
      fields: [
        { label: 'Status', value: [STATUS[version.status]] },
        { label: 'Effective', value: version.effectiveDate },
        { label: 'Must acknowledge', value: audienceLabel(version.audience) },
        {
          label: 'Approvals',
          value: `${active.length} of ${version.approvalsNeeded}${active.length > 0 ? ` (${active.map((a) => who(people, a.personId)).join(', ')})` : ''}`,
        },
        { label: 'Written by', value: who(people, version.authorPersonId) },
        ...(version.status === 'published' || version.status === 'superseded'
          ? [{ label: 'Acknowledged', value: shareLabel(details.acknowledged, details.asked) }]
          : []),
      ],
    },
    ...contentBlocks(version),
    { type: 'context', text: `Content hash ${version.contentHash.slice(0, 16)} · added ${formatInstant(version.createdAt, timeZone)}` },
  );
  const buttons: ButtonView[] = [];
  if (version.status === 'pending')
    buttons.push({
      label: `Approve ${versionLabel(version)}`,
      action: POLICY_ACTIONS.approve,
      args: { version: String(version.id), seen: version.contentHash },
      style: 'primary',
    });
  if (version.status === 'approved') buttons.push(publishButton(policy, version, details.toAsk ?? 0));
  buttons.push({ label: 'Open policy', action: POLICY_ACTIONS.show, args: { policy: String(policy.number) } });
  blocks.push({ type: 'actions', buttons });
  return {
    summary: `${policy.name} ${versionLabel(version)}: ${STATUS[version.status].text.toLowerCase()}`,
    blocks,
    visibility: 'public',
  };
}

/** A policy's card: the current version and its share acknowledged, the version on its way, the next review, the history. */
export function policyCardView(details: PolicyDetails, timeZone: string, note?: string): MessageView {
  const { policy, current, next, versions, acknowledgements, review } = details;
  const acknowledged = acknowledgements.filter((a) => a.status === 'acknowledged').length;
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${policyKey(policy)} · ${policy.name}`.slice(0, 150) },
    {
      type: 'fields',
      fields: [
        { label: 'Current version', value: current ? `${versionLabel(current)} · ${current.title}`.slice(0, 200) : 'none published yet' },
        ...(current
          ? [
              { label: 'Effective', value: current.effectiveDate },
              { label: 'Must acknowledge', value: audienceLabel(current.audience) },
              { label: 'Acknowledged', value: shareLabel(acknowledged, acknowledgements.length) },
            ]
          : []),
        ...(next ? [{ label: `Next: ${versionLabel(next)}`, value: [STATUS[next.status]] }] : []),
        { label: 'Owner', value: who(details.people, policy.ownerPersonId) },
        {
          label: 'Next review',
          value: review
            ? `${review.nextDue} (AI policy review #${review.id}, every ${review.cadenceDays} days)`
            : 'scheduled when first published',
        },
      ],
    },
  );
  if (current) blocks.push(...contentBlocks(current));
  blocks.push({
    type: 'list',
    items: [...versions]
      .reverse()
      .slice(0, 20)
      .map((v): RichText => [
        { text: versionLabel(v), style: 'bold' },
        { text: ` ${v.title} · ` },
        STATUS[v.status],
        { text: v.publishedAt ? ` · published ${formatInstant(v.publishedAt, timeZone)}` : '' },
      ]),
    ...(versions.length > 20 ? { more: versions.length - 20 } : {}),
  });
  const buttons: ButtonView[] = [];
  if (next?.status === 'approved') buttons.push(publishButton(policy, next, details.toAsk ?? 0));
  if (!next)
    buttons.push({ label: 'New version', action: POLICY_ACTIONS.newVersion, args: { policy: String(policy.number) }, opensForm: true });
  if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  return {
    summary: `${policy.name}: ${current ? `${versionLabel(current)}, ${shareLabel(acknowledged, acknowledgements.length)} acknowledged` : 'not published yet'}`,
    blocks,
    visibility: 'private',
  };
}

export function policyListView(
  rows: Array<{ policy: Policy; current?: PolicyVersion; next?: PolicyVersion; acknowledged: number; asked: number }>,
  prefix: string,
): MessageView {
  if (rows.length === 0)
    return {
      summary: 'No policies',
      blocks: [
        { type: 'text', text: 'No policies yet.' },
        { type: 'context', text: [{ text: 'Add one: ' }, { text: `${prefix}policy add`, style: 'code' }] },
      ],
      visibility: 'private',
    };
  const shown = rows.slice(0, 40);
  return {
    summary: `${rows.length} policies`,
    blocks: [
      { type: 'header', text: 'Policies' },
      {
        type: 'list',
        items: shown.map(({ policy, current, next, acknowledged, asked }): RichText => [
          { text: policyKey(policy), style: 'bold' },
          { text: ` ${policy.name}` },
          { text: current ? ` · ${versionLabel(current)} · ${shareLabel(acknowledged, asked)} acknowledged` : ' · not published' },
          ...(next ? [{ text: ` · ${versionLabel(next)} ` }, STATUS[next.status]] : []),
        ]),
        ...(rows.length > shown.length ? { more: rows.length - shown.length } : {}),
        open: shown.map(({ policy }) => ({ label: 'Open', action: POLICY_ACTIONS.show, args: { policy: String(policy.number) } })),
      },
    ],
    visibility: 'private',
  };
}

/** What `policy <name> publish` shows before anything goes out: who will be asked, and the button that publishes. */
export function publishConfirmView(policy: Policy, version: PolicyVersion, people: number): MessageView {
  return {
    summary: `Publish ${policy.name} ${versionLabel(version)}?`,
    blocks: [
      { type: 'header', text: `Publish ${policy.name} ${versionLabel(version)}?`.slice(0, 150) },
      { type: 'text', text: askedLine(version, people) },
      { type: 'actions', buttons: [publishButton(policy, version)] },
    ],
    visibility: 'private',
  };
}

/** A person's acknowledgement DM: the version and its link, and the Acknowledge button while it is theirs to click. */
export function ackNoticeView(details: AckDetails, timeZone: string): MessageView {
  const { ack, policy, version, current } = details;
  const label = versionLabel(version);
  const superseded = version.status === 'superseded';
  const line = superseded
    ? `${policy.name} ${label} was replaced${current ? ` by ${versionLabel(current)}` : ''}: ${current ? `acknowledge ${versionLabel(current)} instead` : 'nothing to do here'}.`
    : ack.status === 'acknowledged'
      ? `You acknowledged ${policy.name} ${label} on ${formatInstant(ack.acknowledgedAt ?? ack.askedAt, timeZone)}. Thank you.`
      : `Please read ${policy.name} ${label} and acknowledge it.`;
  const blocks: Block[] = [
    { type: 'text', text: line },
    { type: 'header', text: `${policy.name} ${label} · ${version.title}`.slice(0, 150) },
    { type: 'fields', fields: [{ label: 'Effective', value: version.effectiveDate }] },
    ...contentBlocks(version),
  ];
  if (!superseded && ack.status === 'pending')
    blocks.push({
      type: 'actions',
      buttons: [{ label: `Acknowledge ${label}`, action: POLICY_ACTIONS.acknowledge, args: { ack: String(ack.id) }, style: 'primary' }],
    });
  return { summary: line, blocks, visibility: 'private' };
}

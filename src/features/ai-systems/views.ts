import { EU_RISK_LABELS, PROVIDER_LABELS, STAGE_LABELS, TIER_LABELS, type AiSystem } from './domain.ts';
import { personLabel, type Person } from '../../core/identity.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import { pagedFooter } from '../../chat/views/paged-footer.ts';
import { linkSpan, type Block, type MessageView, type RichText, type Span, type Tone } from '../../chat/views/view.ts';
import { REVIEW_ACTIONS } from '../reviews/forms.ts';
import { SYSTEM_ACTIONS } from './forms.ts';

/** The EU AI Act risk level at a glance: red for prohibited and high, amber for limited, green for minimal. */
const RISK_TONE: Record<AiSystem['euRiskLevel'], Tone> = {
  prohibited: 'attention',
  high: 'attention',
  limited: 'warning',
  minimal: 'good',
};
const riskSpan = (level: AiSystem['euRiskLevel']): Span => ({ text: EU_RISK_LABELS[level], tone: RISK_TONE[level] });

function ownerText(owner: Person | undefined): string {
  return owner ? personLabel(owner) : 'nobody (assign an owner)';
}

/** One AI system as a card, with Edit and Retire for its owner and admins. */
export function systemCardView(input: {
  system: AiSystem;
  owner?: Person;
  canManage: boolean;
  timeZone: string;
  note?: string;
  offerReviews?: boolean;
}): MessageView {
  const { system, owner } = input;
  const blocks: Block[] = [];
  if (input.note) blocks.push({ type: 'text', text: input.note });
  blocks.push(
    { type: 'header', text: `${system.name}${system.stage === 'retired' ? ' (retired)' : ''}` },
    { type: 'text', text: system.description },
    {
      type: 'fields',
      fields: [
        { label: 'Intended purpose', value: system.purpose },
        { label: 'Owner', value: ownerText(owner) },
        { label: 'Risk level (EU AI Act)', value: [riskSpan(system.euRiskLevel)] },
        { label: 'Internal tier', value: TIER_LABELS[system.internalTier] },
        { label: 'Lifecycle stage', value: STAGE_LABELS[system.stage] },
        {
          label: 'Provider',
          value:
            system.provider === 'third-party'
              ? `${PROVIDER_LABELS[system.provider]}: ${system.vendorName ?? ''}`
              : PROVIDER_LABELS[system.provider],
        },
        // Both were checked as http(s) URLs by the system schema: they may be clickable.
        ...(system.modelCardUrl ? [{ label: 'Model card', value: [linkSpan(system.modelCardUrl)] }] : []),
        ...(system.repositoryUrl ? [{ label: 'Repository', value: [linkSpan(system.repositoryUrl)] }] : []),
      ],
    },
    {
      type: 'context',
      text: `#${system.id} · registered ${formatInstant(system.createdAt, input.timeZone)} · updated ${formatInstant(system.updatedAt, input.timeZone)}`,
    },
  );
  if (input.canManage) {
    const buttons: ButtonView[] = [
      { label: 'Edit', action: SYSTEM_ACTIONS.edit, args: { systemId: String(system.id) }, style: 'primary', opensForm: true },
    ];
    if (system.stage !== 'retired') {
      buttons.push({
        label: 'Retire',
        action: SYSTEM_ACTIONS.retire,
        args: { systemId: String(system.id) },
        style: 'danger',
        confirm: {
          title: 'Retire this system?',
          text: `${system.name} leaves the pickers; its record and history stay.`,
          confirm: 'Retire',
          deny: 'Cancel',
          back: { action: SYSTEM_ACTIONS.show, args: { systemId: String(system.id) } },
        },
      });
    }
    blocks.push({ type: 'actions', buttons });
  }
  if (input.offerReviews && system.stage === 'production') {
    blocks.push({
      type: 'actions',
      buttons: [
        {
          label: 'Create drift and bias reviews (every 90 days)',
          action: REVIEW_ACTIONS.scheduleForSystem,
          args: { systemId: String(system.id) },
        },
      ],
    });
  }
  return { summary: `AI system ${system.name}`, blocks, visibility: 'private' };
}

/** A page of the inventory, with how to see the next page. */
export function systemListView(input: {
  items: AiSystem[];
  /** Retired systems, counted when the list leaves them out. */
  retiredHidden: number;
  owners: Map<number, Person>;
  total: number;
  page: number;
  pageSize: number;
  filterLabel: string;
  prefix: string;
  nextPageCommand: string;
}): MessageView {
  const { items, total, page, pageSize } = input;
  if (total === 0) {
    return {
      summary: 'No AI systems found',
      blocks: [
        {
          type: 'text',
          text:
            input.retiredHidden > 0
              ? `No active AI systems${input.filterLabel ? ` (${input.filterLabel})` : ''}; ${input.retiredHidden} retired.`
              : `No AI systems${input.filterLabel ? ` (${input.filterLabel})` : ''} in the inventory yet.`,
        },
        {
          type: 'context',
          text:
            input.retiredHidden > 0
              ? [
                  { text: 'See them with ' },
                  { text: `${input.prefix}system list retired`, style: 'code' },
                  { text: ', or register one with ' },
                  { text: `${input.prefix}system add`, style: 'code' },
                ]
              : [{ text: 'Register one with ' }, { text: `${input.prefix}system add`, style: 'code' }],
        },
      ],
      visibility: 'private',
    };
  }
  const lines: RichText[] = items.map((system) => [
    { text: system.name, style: 'bold' },
    { text: ` · ${STAGE_LABELS[system.stage]} · ` },
    riskSpan(system.euRiskLevel),
    { text: ` · owner ${ownerText(system.ownerPersonId === null ? undefined : input.owners.get(system.ownerPersonId))}` },
  ]);
  const blocks: Block[] = [
    { type: 'header', text: `AI systems${input.filterLabel ? ` · ${input.filterLabel}` : ''}` },
    {
      type: 'list',
      items: lines,
      open: items.map((system) => ({ label: 'Open', action: SYSTEM_ACTIONS.show, args: { systemId: String(system.id) } })),
    },
    pagedFooter(
      { total, page, pageSize, shown: items.length },
      input.nextPageCommand,
      `${total} in all. Details: ${input.prefix}system <name>`,
    ),
  ];
  return { summary: `${total} AI systems`, blocks, visibility: 'private' };
}

import { personLabel, type Person } from '../../core/identity.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import { mentionSpan, type Block, type MessageView, type RichText, type Span, type Tone } from '../../chat/views/view.ts';
import {
  CATEGORY_LABELS,
  IMPACT_MEANINGS,
  LEVEL_LABELS,
  levelOf,
  LIKELIHOOD_MEANINGS,
  PHASE_LABELS,
  SCALE,
  TREATMENT_LABELS,
  riskKey,
  type LevelThresholds,
  type Risk,
  type RiskLevel,
} from './domain.ts';
import { RISK_ACTIONS } from './forms.ts';
import type { RiskDetails } from './service.ts';

const LEVEL_TONE: Record<RiskLevel, Tone> = { low: 'good', medium: 'accent', high: 'warning', critical: 'attention' };
export const levelSpan = (level: RiskLevel): Span => ({ text: LEVEL_LABELS[level], tone: LEVEL_TONE[level] });

const who = (people: Map<number, Person>, id: number) => {
  const person = people.get(id);
  return person ? personLabel(person) : `person #${id}`;
};

const ACCEPTANCE: Record<Risk['acceptance'], string> = {
  'not-needed': 'Not needed',
  pending: 'Awaiting acceptance',
  accepted: 'Accepted',
};

/** The risk's card: levels, treatment, controls, actions and, for a high or critical residual, its acceptance. */
export function riskCardView(details: RiskDetails, timeZone: string, note?: string): MessageView {
  const { risk, systems, actions, decisions, people } = details;
  const key = riskKey(risk);
  const active = decisions.filter((d) => d.active);
  const ownerAccepted = active.some((d) => d.personId === risk.ownerPersonId);
  const approverNames = active.filter((d) => d.personId !== risk.ownerPersonId).map((d) => who(people, d.personId));
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${key} · ${risk.title}${risk.status === 'closed' ? ' (closed)' : ''}`.slice(0, 150) },
    {
      type: 'fields',
      fields: [
        { label: 'Inherent', value: [levelSpan(risk.inherentLevel), { text: ` (L${risk.inherentLikelihood} × I${risk.inherentImpact})` }] },
        { label: 'Residual', value: [levelSpan(risk.residualLevel), { text: ` (L${risk.residualLikelihood} × I${risk.residualImpact})` }] },
        { label: 'Treatment', value: TREATMENT_LABELS[risk.treatment] },
        { label: 'Owner', value: who(people, risk.ownerPersonId) },
        { label: 'AI systems', value: systems.length > 0 ? systems.map((s) => s.name).join(', ') : 'Organisation-wide' },
        { label: 'Category · phase', value: `${CATEGORY_LABELS[risk.category]} · ${PHASE_LABELS[risk.phase]}` },
        { label: 'Controls', value: risk.controls.length > 0 ? risk.controls.join(', ') : 'none named' },
        { label: 'Next review', value: `${risk.nextReviewDate} (every ${risk.reviewEveryDays} days)` },
        ...(risk.acceptance === 'not-needed'
          ? []
          : [
              {
                label: 'Acceptance',
                value: [
                  { text: ACCEPTANCE[risk.acceptance], tone: risk.acceptance === 'accepted' ? ('good' as const) : ('warning' as const) },
                  {
                    text: ` · owner ${ownerAccepted ? 'accepted' : 'not yet'} · approvers ${approverNames.length} of ${risk.approvalsNeeded}${approverNames.length > 0 ? ` (${approverNames.join(', ')})` : ''}`,
                  },
                ],
              },
            ]),
      ],
    },
    { type: 'text', text: [{ text: 'Description: ', style: 'bold' }, { text: risk.description }] },
    { type: 'text', text: [{ text: 'Treatment plan: ', style: 'bold' }, { text: risk.plan }] },
  );
  if (risk.acceptanceRationale)
    blocks.push({ type: 'text', text: [{ text: 'Acceptance rationale: ', style: 'bold' }, { text: risk.acceptanceRationale }] });
  if (actions.length > 0)
    blocks.push({
      type: 'list',
      items: actions.map((a): RichText => [
        { text: `#${a.id} `, style: 'bold' },
        { text: `${a.title} · ${who(people, a.ownerPersonId)} · due ${a.dueDate}` },
        ...(a.status === 'done' ? [{ text: ' · done', tone: 'good' as const }] : []),
      ]),
      open: actions.map((a) =>
        a.status === 'open' ? { label: `Done #${a.id}`, action: RISK_ACTIONS.actionDone, args: { action: String(a.id) } } : undefined,
      ),
    });
  if (risk.acceptance === 'pending') {
    const decided = new Set(active.map((d) => d.personId));
    const asked = [
      ...(!ownerAccepted && people.get(risk.ownerPersonId) ? [people.get(risk.ownerPersonId) as Person] : []),
      ...details.approvers.filter(
        (p) => p.personId !== risk.lastEditorPersonId && p.personId !== risk.ownerPersonId && !decided.has(p.personId),
      ),
    ].slice(0, 10);
    if (asked.length > 0) {
      const spans: Span[] = [{ text: 'Waiting on ', style: 'bold' }];
      asked.forEach((p, i) => spans.push(...(i > 0 ? [{ text: ', ' }] : []), mentionSpan(p.externalId, personLabel(p))));
      blocks.push({ type: 'text', text: spans });
    }
  }
  if (decisions.length > 0)
    blocks.push({
      type: 'context',
      text: decisions
        .map(
          (d) =>
            `${who(people, d.personId)} accepted as ${d.role} (hash ${d.contentHash.slice(0, 12)})${d.active ? '' : ' (dropped by a change)'}`,
        )
        .join(' · ')
        .slice(0, 2000),
    });
  blocks.push({
    type: 'context',
    text: `Content hash ${risk.contentHash.slice(0, 16)} · updated ${formatInstant(risk.updatedAt, timeZone)}`,
  });
  const args = { risk: String(risk.number), seen: risk.contentHash };
  const buttons: ButtonView[] = [
    ...(risk.acceptance === 'pending'
      ? [{ label: 'Accept residual risk', action: RISK_ACTIONS.accept, args, style: 'primary' as const }]
      : []),
    { label: 'Edit', action: RISK_ACTIONS.edit, args: { risk: String(risk.number) }, opensForm: true },
    { label: 'Review done', action: RISK_ACTIONS.reviewed, args: { risk: String(risk.number) } },
  ];
  blocks.push({ type: 'actions', buttons });
  return {
    summary: `${key} ${risk.title}: residual ${LEVEL_LABELS[risk.residualLevel]}${risk.acceptance === 'not-needed' ? '' : `, ${ACCEPTANCE[risk.acceptance].toLowerCase()}`}`,
    blocks,
    visibility: 'public',
  };
}

export function riskListView(risks: Risk[], filterLabel: string, prefix: string): MessageView {
  if (risks.length === 0)
    return {
      summary: 'No risks',
      blocks: [
        { type: 'text', text: `No risks${filterLabel ? ` (${filterLabel})` : ''}.` },
        { type: 'context', text: [{ text: 'Add one: ' }, { text: `${prefix}risk add`, style: 'code' }] },
      ],
      visibility: 'private',
    };
  const shown = risks.slice(0, 40);
  return {
    summary: `${risks.length} risks`,
    blocks: [
      { type: 'header', text: `Risk register${filterLabel ? ` · ${filterLabel}` : ''}` },
      {
        type: 'list',
        items: shown.map((r): RichText => [
          { text: riskKey(r), style: 'bold' },
          { text: ` ${r.title} · residual ` },
          levelSpan(r.residualLevel),
          { text: r.acceptance === 'pending' ? ' · awaiting acceptance' : r.status === 'closed' ? ' · closed' : '' },
        ]),
        ...(risks.length > shown.length ? { more: risks.length - shown.length } : {}),
        open: shown.map((r) => ({ label: 'Open', action: RISK_ACTIONS.show, args: { risk: String(r.number) } })),
      },
    ],
    visibility: 'private',
  };
}

/** The 5x5 heat map of open risks by residual likelihood and impact: counts per cell, coloured by the level of the cell. */
export function riskMatrixView(risks: Risk[], thresholds: LevelThresholds): MessageView {
  const open = risks.filter((r) => r.status === 'open');
  const cell = (l: number, i: number) => open.filter((r) => r.residualLikelihood === l && r.residualImpact === i);
  const rows: Block[] = [...SCALE].reverse().map((l) => ({
    type: 'text',
    text: [
      { text: `Likelihood ${l}: `, style: 'bold' },
      ...SCALE.flatMap((i): Span[] => [
        { text: `${cell(l, i).length}`, tone: LEVEL_TONE[levelOf(l, i, thresholds)] },
        { text: i < 5 ? '   ' : '' },
      ]),
    ],
  }));
  const filled = [...SCALE]
    .reverse()
    .flatMap((l) => SCALE.map((i) => ({ l, i, risks: cell(l, i) })))
    .filter((c) => c.risks.length > 0);
  return {
    summary: `Risk matrix: ${open.length} open risks`,
    blocks: [
      { type: 'header', text: `Risk matrix · ${open.length} open (residual)` },
      { type: 'context', text: 'Rows: likelihood 5 (top) to 1. Columns: impact 1 to 5, left to right.' },
      ...rows,
      ...(filled.length > 0
        ? [
            {
              type: 'list' as const,
              items: filled
                .slice(0, 25)
                .map((c): RichText => [
                  { text: `L${c.l} × I${c.i} `, style: 'bold' },
                  levelSpan(levelOf(c.l, c.i, thresholds)),
                  { text: `: ${c.risks.map((r) => riskKey(r)).join(', ')}`.slice(0, 500) },
                ]),
            },
          ]
        : []),
      {
        type: 'context',
        text: `Levels: medium from ${thresholds.mediumFrom}, high from ${thresholds.highFrom}, critical from ${thresholds.criticalFrom} (likelihood × impact).`,
      },
    ],
    visibility: 'private',
  };
}

/** The scales and thresholds, as `risk levels` shows them. */
export function riskLevelsView(thresholds: LevelThresholds, prefix: string, note?: string): MessageView {
  return {
    summary: 'Risk levels',
    blocks: [
      ...(note ? [{ type: 'text' as const, text: note }] : []),
      { type: 'header', text: 'Risk levels' },
      {
        type: 'fields',
        fields: [
          { label: 'Likelihood', value: SCALE.map((n) => `${n} ${LIKELIHOOD_MEANINGS[n]}`).join('\n') },
          { label: 'Impact', value: SCALE.map((n) => `${n} ${IMPACT_MEANINGS[n]}`).join('\n') },
          {
            label: 'Levels (likelihood × impact)',
            value: `low below ${thresholds.mediumFrom}, medium from ${thresholds.mediumFrom}, high from ${thresholds.highFrom}, critical from ${thresholds.criticalFrom}`,
          },
        ],
      },
      { type: 'context', text: [{ text: 'Admins: ' }, { text: `${prefix}risk levels 5 10 20`, style: 'code' }] },
    ],
    visibility: 'private',
  };
}

import { personLabel, type Person } from '../../core/identity.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatInstant } from '../../chat/views/format-time.ts';
import type { Block, MessageView, RichText, Span, Tone } from '../../chat/views/view.ts';
import {
  IMPACT_STATUS_LABELS,
  impactKey,
  LIKELIHOOD_LABELS,
  reasonText,
  SEVERITY_LABELS,
  type ImpactAssessment,
  type ImpactStatus,
} from './domain.ts';
import type { ImpactDetails, ImpactDue } from './service.ts';
import { IMPACT_ACTIONS } from './forms.ts';

const TONE: Record<ImpactStatus, Tone | undefined> = { pending: 'warning', signed: 'good', superseded: undefined };
const statusSpan = (status: ImpactStatus): Span => ({
  text: IMPACT_STATUS_LABELS[status],
  ...(TONE[status] ? { tone: TONE[status] } : {}),
});
const who = (people: Map<number, Person>, id: number | null) => {
  const person = id === null ? undefined : people.get(id);
  return person ? personLabel(person) : `person #${id ?? '?'}`;
};
const section = (label: string, text: string): Block => ({ type: 'text', text: [{ text: `${label}: `, style: 'bold' }, { text }] });

/** The assessment's card: what was assessed, the harms and mitigations, who wrote and who signed it, Sign off while pending. */
export function impactCardView(details: ImpactDetails, timeZone: string, note?: string): MessageView {
  const { assessment: a, system, people } = details;
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${impactKey(a)} · ${system.name} impact assessment v${a.version}` },
    {
      type: 'fields',
      fields: [
        { label: 'Status', value: [statusSpan(a.status)] },
        { label: 'Author', value: who(people, a.authorPersonId) },
        ...(a.signedAt
          ? [{ label: 'Signed off by', value: `${who(people, a.signedByPersonId)}, ${formatInstant(a.signedAt, timeZone)}` }]
          : []),
        ...(a.supersededById ? [{ label: 'Superseded by', value: `IA-${a.supersededById}` }] : []),
        { label: 'Written', value: formatInstant(a.createdAt, timeZone) },
      ],
    },
    section('Intended use', a.intendedUse),
    section('Foreseeable misuse', a.foreseeableMisuse),
    section('Individuals and groups affected', a.affected),
    section('Societal impact', a.societalImpact),
    { type: 'text', text: [{ text: 'Harms', style: 'bold' }] },
    {
      type: 'list',
      items: a.harms.map(
        (h): RichText =>
          `${h.description}: severity ${h.severity} (${SEVERITY_LABELS[h.severity] ?? ''}), likelihood ${h.likelihood} (${LIKELIHOOD_LABELS[h.likelihood] ?? ''})`,
      ),
    },
  );
  if (a.mitigations.length > 0)
    blocks.push(
      { type: 'text', text: [{ text: 'Mitigations', style: 'bold' }] },
      {
        type: 'list',
        items: a.mitigations.map((m) => `${m.text}${m.riskRefs.length > 0 ? ` (risks ${m.riskRefs.join(', ')})` : ''}`),
      },
    );
  if (details.unknownRisks.length > 0)
    blocks.push({ type: 'context', text: `Not in the risk register (any more): ${details.unknownRisks.join(', ')}` });
  blocks.push(section('Human oversight in place', a.humanOversight), {
    type: 'context',
    text: `Content hash ${a.contentHash.slice(0, 16)}`,
  });
  if (a.status === 'pending')
    blocks.push({
      type: 'actions',
      buttons: [{ label: 'Sign off', action: IMPACT_ACTIONS.sign, args: { impact: String(a.id), seen: a.contentHash }, style: 'primary' }],
    });
  return {
    summary: `${impactKey(a)} ${system.name} impact assessment v${a.version}: ${IMPACT_STATUS_LABELS[a.status]}`,
    blocks,
    visibility: 'public',
  };
}

/** The systems whose assessment is due, then every assessment, newest first (50 at most). */
export function impactListView(input: {
  assessments: ImpactAssessment[];
  systems: Map<number, string>;
  due: ImpactDue[];
  prefix: string;
}): MessageView {
  const { assessments, due } = input;
  const blocks: Block[] = [{ type: 'header', text: 'Impact assessments' }];
  if (due.length > 0)
    blocks.push(
      { type: 'text', text: [{ text: 'Due', style: 'bold', tone: 'attention' }] },
      {
        type: 'list',
        items: due
          .slice(0, 25)
          .map(
            (d) =>
              `${d.system.name}: ${d.reasons.map(reasonText).join(', ')}${d.pending ? ` · ${impactKey(d.pending)} awaiting sign-off` : ''}`,
          ),
        ...(due.length > 25 ? { more: due.length - 25 } : {}),
        open: due
          .slice(0, 25)
          .map((d): ButtonView =>
            d.pending
              ? { label: `Open ${impactKey(d.pending)}`, action: IMPACT_ACTIONS.show, args: { impact: String(d.pending.id) } }
              : { label: 'Assess…', action: IMPACT_ACTIONS.start, args: { systemId: String(d.system.id) }, opensForm: true },
          ),
      },
    );
  if (assessments.length === 0)
    blocks.push({
      type: 'context',
      text: [{ text: 'No assessments yet. Write one with ' }, { text: `${input.prefix}impact <system>`, style: 'code' }],
    });
  else
    blocks.push({
      type: 'list',
      items: assessments
        .slice(0, 50)
        .map((a) => [
          { text: impactKey(a), style: 'bold' as const },
          { text: ` ${input.systems.get(a.aiSystemId) ?? ''} v${a.version} · ` },
          statusSpan(a.status),
        ]),
      ...(assessments.length > 50 ? { more: assessments.length - 50 } : {}),
      open: assessments.slice(0, 25).map((a) => ({ label: 'Open', action: IMPACT_ACTIONS.show, args: { impact: String(a.id) } })),
    });
  return { summary: `${assessments.length} impact assessments, ${due.length} due`, blocks, visibility: 'private' };
}

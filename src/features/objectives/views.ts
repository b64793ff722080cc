import { personLabel } from '../../core/identity.ts';
import { ROUTER_ACTIONS } from '../../chat/feature.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import type { Block, MessageView, RichText, Span } from '../../chat/views/view.ts';
import {
  CADENCE_LABELS,
  SOURCE_LABELS,
  formatNumber,
  nextReadingDue,
  objectiveKey,
  targetText,
  trendOf,
  type Objective,
  type Reading,
} from './domain.ts';
import { NONCONFORMITY_FORM, OBJECTIVE_FORMS } from './forms.ts';
import type { ObjectiveDetails } from './service.ts';

const standing = (reading: Reading | undefined): Span[] =>
  reading
    ? [
        { text: reading.onTarget ? 'on target' : 'off target', tone: reading.onTarget ? 'good' : 'attention' },
        { text: `: ${formatNumber(reading.value)} on ${reading.date}` },
      ]
    : [{ text: 'no reading yet' }];

/** One line per objective: "OBJ-2 Fraud recall · fraud recall ≥ 0.92 · off target: 0.88 · ▅▇▁". */
export function objectiveLine(objective: Objective, readings: readonly Reading[], today: string): RichText {
  const last = readings.at(-1);
  const trend = trendOf(objective, readings, today);
  return [
    { text: `${objectiveKey(objective)} ${objective.name}`, style: 'bold' },
    { text: ` · ${targetText(objective)} · ` },
    ...standing(last),
    ...(trend ? [{ text: ` · ${trend}` }] : []),
  ];
}

/** The objective's card: target, owner, last reading, the 12-period trend and the recent readings. */
export function objectiveCardView(details: ObjectiveDetails, today: string, prefix: string, note?: string): MessageView {
  const { objective, readings, owner, system } = details;
  const key = objectiveKey(objective);
  const last = readings.at(-1);
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${key} · ${objective.name}`.slice(0, 150) },
    {
      type: 'fields',
      fields: [
        { label: 'Target', value: targetText(objective) },
        { label: 'Owner', value: owner ? personLabel(owner) : `person #${objective.ownerPersonId}` },
        { label: 'Measured', value: CADENCE_LABELS[objective.cadence] },
        { label: 'Readings', value: SOURCE_LABELS[objective.source] },
        { label: 'AI system', value: system ? system.name : 'none (organisation-wide)' },
        { label: 'Last reading', value: standing(last) },
        { label: 'Trend (12 periods)', value: trendOf(objective, readings, today) || 'no readings yet' },
        { label: 'Next reading due', value: nextReadingDue(objective, last) },
      ],
    },
  );
  const recent = readings.slice(-5).reverse();
  if (recent.length > 0)
    blocks.push({
      type: 'list',
      items: recent.map((r) => [
        { text: `${r.date} · ${formatNumber(r.value)} ` },
        { text: r.onTarget ? 'on target' : 'off target', tone: r.onTarget ? 'good' : 'attention' },
        { text: ` · ${r.channel}${r.note ? ` · “${r.note.slice(0, 200)}”` : ''}${r.explanation ? ` · explained: ${r.explanation}` : ''}` },
      ]),
      ...(readings.length > 5 ? { more: readings.length - 5 } : {}),
    });
  if (objective.source === 'recorded') blocks.push({ type: 'context', text: `Record a reading: ${prefix}objective ${key} record <value>` });
  return {
    summary: `${key} ${objective.name}: ${last ? (last.onTarget ? 'on target' : 'off target') : 'no reading yet'}`,
    blocks,
    visibility: 'private',
  };
}

export function objectiveListView(items: Array<{ objective: Objective; readings: Reading[] }>, today: string, prefix: string): MessageView {
  if (items.length === 0)
    return {
      summary: 'No objectives.',
      blocks: [{ type: 'text', text: `No objectives yet. Set one with ${prefix}objective add.` }],
      visibility: 'private',
    };
  const off = items.filter((i) => i.readings.at(-1)?.onTarget === false).length;
  return {
    summary: `${items.length} objective(s), ${off} off target`,
    blocks: [
      { type: 'header', text: `AI objectives · ${items.length}, ${off} off target` },
      {
        type: 'list',
        items: items.slice(0, 40).map((i) => objectiveLine(i.objective, i.readings, today)),
        ...(items.length > 40 ? { more: items.length - 40 } : {}),
      },
    ],
    visibility: 'private',
  };
}

/** What a nonconformity logged from this reading starts with (the internal audits area's form, issue 17). */
export function nonconformityContext(objective: Objective, reading: Reading): Record<string, string> {
  return {
    source: 'objective',
    ref: objectiveKey(objective),
    clause: '9.1',
    description:
      `${objectiveKey(objective)} ${objective.name}: ${objective.metric} was ${formatNumber(reading.value)} on ${reading.date}, target ${targetText(objective)}.`.slice(
        0,
        600,
      ),
    owner: String(objective.ownerPersonId),
  };
}

/** The owner's message about a reading off target: log it as a nonconformity, or explain it. */
export function offTargetView(details: ObjectiveDetails & { reading: Reading }): MessageView {
  const { objective, reading } = details;
  const key = objectiveKey(objective);
  const buttons: ButtonView[] = [
    {
      label: 'Log as nonconformity',
      action: ROUTER_ACTIONS.openForm,
      args: { form: NONCONFORMITY_FORM, ...nonconformityContext(objective, reading) },
      opensForm: true,
    },
    ...(reading.explanation
      ? []
      : [
          {
            label: 'Explain',
            action: ROUTER_ACTIONS.openForm,
            args: { form: OBJECTIVE_FORMS.explain, reading: String(reading.id) },
            opensForm: true,
          },
        ]),
  ];
  const blocks: Block[] = [
    { type: 'header', text: `${key} off target`.slice(0, 150) },
    {
      type: 'text',
      text: [
        { text: `${objective.name}: ${objective.metric} was ` },
        { text: formatNumber(reading.value), style: 'bold' },
        {
          text: ` on ${reading.date}; the target is ${targetText(objective)}. You own ${key}: log it as a nonconformity (clause 9.1), or explain why.`,
        },
      ],
    },
  ];
  if (reading.explanation) blocks.push({ type: 'text', text: [{ text: 'Explained: ', style: 'bold' }, { text: reading.explanation }] });
  blocks.push({ type: 'actions', buttons });
  return { summary: `${key} is off target: ${formatNumber(reading.value)} (${targetText(objective)})`, blocks, visibility: 'private' };
}

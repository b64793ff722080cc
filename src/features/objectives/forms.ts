import type { Person } from '../../core/identity.ts';
import type { FormOption, FormValues, FormView } from '../../chat/views/form.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import {
  CADENCE_LABELS,
  CADENCES,
  DIRECTION_LABELS,
  DIRECTIONS,
  SOURCE_LABELS,
  SOURCES,
  objectiveKey,
  formatNumber,
  targetText,
  type Objective,
  type Reading,
} from './domain.ts';
import { numberFrom } from './input.ts';

/** The area's form ids. */
export const OBJECTIVE_FORMS = { add: 'objective.add', explain: 'objective.explain' } as const;
export type ObjectiveFormId = (typeof OBJECTIVE_FORMS)[keyof typeof OBJECTIVE_FORMS];

/** The internal audits area's form an off-target reading offers to open (issue 17: the one cross-area link). */
export const NONCONFORMITY_FORM = 'nonconformity.log';

const personChoices = (people: Person[]): FormOption[] =>
  people.map((person) => ({ value: person.externalId, label: person.displayName ?? person.externalId }));

/** The form's field of each schema field. */
export function objectiveFieldOf(field: string): string {
  return ({ ownerPersonId: 'owner', aiSystemId: 'system' } as Record<string, string>)[field] ?? field;
}

/** `/aims objective add`: what is measured, which way, the target, how often, who owns it. */
export function objectiveForm(input: { systems: AiSystem[]; people: Person[] }): FormView {
  return {
    type: OBJECTIVE_FORMS.add,
    title: 'Set an AI objective',
    submitLabel: 'Set objective',
    fields: [
      { id: 'name', label: 'Name', kind: 'text', required: true, maxLength: 120, placeholder: 'Fraud recall' },
      { id: 'metric', label: 'Metric', kind: 'text', required: true, maxLength: 200, placeholder: 'fraud recall on holdout' },
      {
        id: 'direction',
        label: 'The value must be',
        kind: 'select',
        required: true,
        options: DIRECTIONS.map((d) => ({ value: d, label: DIRECTION_LABELS[d] })),
      },
      {
        id: 'target',
        label: 'Target',
        kind: 'text',
        required: true,
        maxLength: 30,
        placeholder: '0.92',
        hint: 'A number: 0.92, 95 (for 95%), 1 (hour).',
      },
      {
        id: 'cadence',
        label: 'Measured',
        kind: 'select',
        required: true,
        options: CADENCES.map((c) => ({ value: c, label: CADENCE_LABELS[c] })),
      },
      {
        id: 'source',
        label: 'Readings come from',
        kind: 'select',
        required: true,
        initial: 'recorded',
        options: SOURCES.map((s) => ({ value: s, label: SOURCE_LABELS[s].slice(0, 75) })),
      },
      { id: 'owner', label: 'Owner', kind: 'person', required: true, choices: personChoices(input.people) },
      ...(input.systems.length > 0
        ? [
            {
              id: 'system',
              label: 'AI system (optional)',
              kind: 'select' as const,
              required: false,
              options: input.systems.slice(0, 100).map((s) => ({ value: String(s.id), label: s.name.slice(0, 75) })),
            },
          ]
        : []),
    ],
    context: {},
  };
}

/** The Explain form of an off-target reading. */
export function explainForm(objective: Objective, reading: Reading): FormView {
  return {
    type: OBJECTIVE_FORMS.explain,
    title: `Explain ${objectiveKey(objective)}`.slice(0, 24),
    submitLabel: 'Save',
    intro: `${objectiveKey(objective)} · ${targetText(objective)}: ${formatNumber(reading.value)} on ${reading.date} missed the target. Why?`,
    fields: [
      {
        id: 'explanation',
        label: 'Explanation',
        kind: 'longText',
        required: true,
        maxLength: 1000,
        ...(reading.explanation ? { initial: reading.explanation } : {}),
      },
    ],
    context: { reading: String(reading.id) },
  };
}

/** Add form values to the schema's shape; the owner picker resolved to a person id by the caller. */
export async function objectiveInputFrom(
  values: FormValues,
  personIdOf: (externalId: string | undefined) => Promise<number | undefined>,
): Promise<Record<string, unknown>> {
  return {
    name: values.name,
    metric: values.metric,
    direction: values.direction,
    target: numberFrom(values.target),
    cadence: values.cadence,
    source: values.source || 'recorded',
    ownerPersonId: await personIdOf(values.owner),
    aiSystemId: values.system ? Number(values.system) : null,
  };
}

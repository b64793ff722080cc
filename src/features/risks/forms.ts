import type { Person } from '../../core/identity.ts';
import type { FormField, FormOption, FormValues, FormView } from '../../chat/views/form.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  IMPACT_MEANINGS,
  LIKELIHOOD_MEANINGS,
  PHASE_LABELS,
  PHASES,
  REVIEW_CADENCES,
  SCALE,
  TREATMENT_LABELS,
  TREATMENTS,
  riskKey,
  type LevelThresholds,
  type Risk,
} from './domain.ts';

/** The area's form ids. */
export const RISK_FORMS = { add: 'risk.add', edit: 'risk.edit' } as const;
export type RiskFormId = (typeof RISK_FORMS)[keyof typeof RISK_FORMS];

/** The area's buttons: accept a residual risk, show a risk, mark a treatment action done or a review held, edit. */
export const RISK_ACTIONS = {
  accept: 'risk.accept',
  show: 'risk.show',
  actionDone: 'risk.actionDone',
  reviewed: 'risk.reviewed',
  edit: RISK_FORMS.edit,
} as const;
export type RiskActionId = (typeof RISK_ACTIONS)[keyof typeof RISK_ACTIONS];

export const ACTION_SLOTS = 2;

const personChoices = (people: Person[]): FormOption[] =>
  people.map((person) => ({ value: person.externalId, label: person.displayName ?? person.externalId }));

const scaleOptions = (meanings: Record<number, string>): FormOption[] =>
  SCALE.map((n) => ({ value: String(n), label: String(n), description: meanings[n] ?? '' }));

/** The form's field of each schema field (`ownerPersonId` -> `owner`, `actions.0.title` -> `action1Title`). */
export function riskFieldOf(field: string): string {
  const row = /^actions\.(\d+)\.(\w*)$/.exec(field);
  if (row) {
    const n = Number(row[1]) + 1;
    return row[2] === 'ownerPersonId' ? `action${n}Owner` : row[2] === 'dueDate' ? `action${n}Due` : `action${n}Title`;
  }
  return ({ ownerPersonId: 'owner', systemIds: 'systems', actions: 'action1Title' } as Record<string, string>)[field] ?? field;
}

/** `/aims risk add` and `risk R-3 edit`: every field of a register entry; editing fills it in (actions are added, not replaced). */
export function riskForm(input: {
  systems: AiSystem[];
  people: Person[];
  thresholds: LevelThresholds;
  risk?: Risk;
  owner?: Person;
}): FormView {
  const { risk, owner } = input;
  const initial = (value: string | undefined) => (value === undefined ? {} : { initial: value });
  const t = input.thresholds;
  const fields: FormField[] = [
    { id: 'title', label: 'Title', kind: 'text', required: true, maxLength: 150, ...initial(risk?.title) },
    { id: 'description', label: 'Description', kind: 'longText', required: true, maxLength: 3000, ...initial(risk?.description) },
    // A multi-select of no options is not a valid form: without systems in the inventory a risk is organisation-wide.
    ...(input.systems.length > 0
      ? [
          {
            id: 'systems',
            label: 'AI systems it concerns',
            kind: 'multiSelect' as const,
            required: false,
            hint: 'None chosen: organisation-wide.',
            options: input.systems.slice(0, 100).map((s) => ({ value: String(s.id), label: s.name.slice(0, 75) })),
            ...(risk && risk.systemIds.length > 0 ? { initial: risk.systemIds.join(',') } : {}),
          },
        ]
      : []),
    {
      id: 'category',
      label: 'Source or category',
      kind: 'select',
      required: true,
      options: CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] })),
      ...initial(risk?.category),
    },
    {
      id: 'phase',
      label: 'Lifecycle phase',
      kind: 'select',
      required: true,
      options: PHASES.map((p) => ({ value: p, label: PHASE_LABELS[p] })),
      ...initial(risk?.phase),
    },
    {
      id: 'owner',
      label: 'Risk owner',
      kind: 'person',
      required: true,
      choices: personChoices(input.people),
      ...(owner ? { initial: owner.externalId, initialLabel: owner.displayName ?? owner.externalId } : {}),
    },
    {
      id: 'inherentLikelihood',
      label: 'Inherent likelihood (1-5)',
      kind: 'select',
      required: true,
      options: scaleOptions(LIKELIHOOD_MEANINGS),
      ...initial(risk ? String(risk.inherentLikelihood) : undefined),
    },
    {
      id: 'inherentImpact',
      label: 'Inherent impact (1-5)',
      kind: 'select',
      required: true,
      hint: `Level = likelihood x impact: medium from ${t.mediumFrom}, high from ${t.highFrom}, critical from ${t.criticalFrom}.`,
      options: scaleOptions(IMPACT_MEANINGS),
      ...initial(risk ? String(risk.inherentImpact) : undefined),
    },
    {
      id: 'treatment',
      label: 'Treatment',
      kind: 'select',
      required: true,
      options: TREATMENTS.map((x) => ({ value: x, label: TREATMENT_LABELS[x] })),
      ...initial(risk?.treatment),
    },
    { id: 'plan', label: 'Treatment plan', kind: 'longText', required: true, maxLength: 3000, ...initial(risk?.plan) },
    {
      id: 'controls',
      label: 'Annex A controls that treat it',
      kind: 'text',
      required: false,
      maxLength: 400,
      placeholder: 'e.g. A.6.2.6, A.9.2',
      ...(risk && risk.controls.length > 0 ? { initial: risk.controls.join(', ') } : {}),
    },
    {
      id: 'residualLikelihood',
      label: 'Residual likelihood (1-5)',
      kind: 'select',
      required: true,
      options: scaleOptions(LIKELIHOOD_MEANINGS),
      ...initial(risk ? String(risk.residualLikelihood) : undefined),
    },
    {
      id: 'residualImpact',
      label: 'Residual impact (1-5)',
      kind: 'select',
      required: true,
      hint: 'After treatment. High or critical needs acceptance by the owner and approvers.',
      options: scaleOptions(IMPACT_MEANINGS),
      ...initial(risk ? String(risk.residualImpact) : undefined),
    },
    {
      id: 'acceptanceRationale',
      label: 'Acceptance rationale',
      kind: 'longText',
      required: false,
      maxLength: 2000,
      hint: 'Required to accept a critical residual risk.',
      ...initial(risk?.acceptanceRationale ?? undefined),
    },
    {
      id: 'reviewEveryDays',
      label: 'Review every',
      kind: 'select',
      required: true,
      options: REVIEW_CADENCES.map((d) => ({ value: String(d), label: `${d} days` })),
      initial: String(risk?.reviewEveryDays ?? 90),
    },
    ...Array.from({ length: ACTION_SLOTS }, (_, i) => i + 1).flatMap((n): FormField[] => [
      {
        id: `action${n}Title`,
        label: `${risk ? 'New treatment' : 'Treatment'} action ${n} (optional)`,
        kind: 'text',
        required: false,
        maxLength: 300,
      },
      { id: `action${n}Owner`, label: `Owner of action ${n}`, kind: 'person', required: false, choices: personChoices(input.people) },
      { id: `action${n}Due`, label: `Due date of action ${n}`, kind: 'date', required: false },
    ]),
  ];
  return {
    type: risk ? RISK_FORMS.edit : RISK_FORMS.add,
    title: risk ? `Edit ${riskKey(risk)}` : 'Add a risk',
    submitLabel: risk ? 'Save' : 'Add risk',
    fields,
    context: risk ? { risk: String(risk.number) } : {},
  };
}

/** "A.6.2.6, a.9.2 A.10.3" -> ["A.6.2.6", "A.9.2", "A.10.3"]. */
export function controlIdsOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => id.replace(/^a\./, 'A.'));
}

const numberOr = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : Number(value));

/** Form values to the risk schema's shape; people pickers resolved to person ids by the caller. */
export async function riskInputFrom(
  values: FormValues,
  personIdOf: (externalId: string | undefined) => Promise<number | undefined>,
): Promise<Record<string, unknown>> {
  const actions = [];
  for (let n = 1; n <= ACTION_SLOTS; n++) {
    const title = values[`action${n}Title`];
    const owner = values[`action${n}Owner`];
    const due = values[`action${n}Due`];
    if (!title?.trim() && !owner && !due) continue;
    actions.push({ title, ownerPersonId: await personIdOf(owner), dueDate: due });
  }
  return {
    title: values.title,
    description: values.description,
    systemIds: (values.systems ?? '').split(',').filter(Boolean).map(Number),
    category: values.category,
    phase: values.phase,
    ownerPersonId: await personIdOf(values.owner),
    inherentLikelihood: numberOr(values.inherentLikelihood),
    inherentImpact: numberOr(values.inherentImpact),
    treatment: values.treatment,
    plan: values.plan,
    controls: controlIdsOf(values.controls),
    residualLikelihood: numberOr(values.residualLikelihood),
    residualImpact: numberOr(values.residualImpact),
    acceptanceRationale: values.acceptanceRationale,
    reviewEveryDays: numberOr(values.reviewEveryDays),
    actions,
  };
}

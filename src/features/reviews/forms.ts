import type { AiSystem } from '../ai-systems/domain.ts';
import type { Person } from '../../core/identity.ts';
import { REVIEW_AUDIT, REVIEW_KIND_LABELS, REVIEW_KINDS, REVIEW_OUTCOME_LABELS, REVIEW_OUTCOMES, type ReviewSchedule } from './domain.ts';
import type { FormField, FormValues, FormView } from '../../chat/views/form.ts';

/** The area's form ids: Slack modals and Teams cards carry them back with a submission. */
export const REVIEW_FORMS = { add: 'review.add', edit: 'review.edit', done: REVIEW_AUDIT.done } as const;
export type ReviewFormId = (typeof REVIEW_FORMS)[keyof typeof REVIEW_FORMS];

/** The area's buttons: Done on a review (opens the done form), and the system card's offer of drift and bias reviews. */
export const REVIEW_ACTIONS = { done: REVIEW_FORMS.done, scheduleForSystem: 'system.addReviews' } as const;
export type ReviewActionId = (typeof REVIEW_ACTIONS)[keyof typeof REVIEW_ACTIONS];

const personChoices = (people: Person[]) => people.map((p) => ({ value: p.externalId, label: p.displayName ?? p.externalId }));

/** Schedule a review, or change one. */
export function reviewForm(input: {
  systems: AiSystem[];
  people: Person[];
  today: string;
  schedule?: ReviewSchedule;
  owner?: Person;
  system?: AiSystem;
}): FormView {
  const { schedule, owner, system } = input;
  return {
    type: schedule ? REVIEW_FORMS.edit : REVIEW_FORMS.add,
    title: schedule ? `Edit review #${schedule.id}` : 'Schedule a review',
    submitLabel: 'Save',
    fields: [
      {
        id: 'kind',
        label: 'Kind',
        kind: 'select',
        required: true,
        options: REVIEW_KINDS.map((k) => ({ value: k, label: REVIEW_KIND_LABELS[k] })),
        ...(schedule ? { initial: schedule.kind } : {}),
      },
      {
        id: 'aiSystem',
        label: 'AI system (optional)',
        kind: 'aiSystem',
        required: false,
        choices: input.systems.map((s) => ({ value: String(s.id), label: s.name })),
        ...(system ? { initial: String(system.id), initialLabel: system.name } : {}),
      },
      {
        id: 'owner',
        label: 'Owner',
        kind: 'person',
        required: true,
        choices: personChoices(input.people),
        ...(owner ? { initial: owner.externalId, initialLabel: owner.displayName ?? owner.externalId } : {}),
      },
      { id: 'cadenceDays', label: 'Every N days', kind: 'number', required: true, initial: String(schedule?.cadenceDays ?? 90) },
      { id: 'nextDue', label: 'Next due', kind: 'date', required: true, initial: schedule?.nextDue ?? input.today },
    ],
    context: schedule ? { review: String(schedule.id) } : {},
  };
}

export function reviewInputFrom(values: FormValues, ownerPersonId: number | undefined): Record<string, unknown> {
  return {
    kind: values.kind,
    aiSystemId: values.aiSystem ? Number(values.aiSystem) : null,
    ownerPersonId,
    cadenceDays: values.cadenceDays?.trim() ? Number(values.cadenceDays) : undefined,
    nextDue: values.nextDue,
  };
}

const SLOTS = 2;

/** A review done: outcome, findings, evidence, and up to two corrective actions. */
export function reviewDoneForm(schedule: ReviewSchedule, people: Person[], today: string): FormView {
  const slots: FormField[] = Array.from({ length: SLOTS }, (_, i) => i + 1).flatMap((n): FormField[] => [
    { id: `action${n}Title`, label: `Corrective action ${n} (optional)`, kind: 'text', required: false, maxLength: 300 },
    { id: `action${n}Owner`, label: `Owner of action ${n}`, kind: 'person', required: false, choices: personChoices(people) },
    { id: `action${n}Due`, label: `Due date of action ${n}`, kind: 'date', required: false },
  ]);
  return {
    type: REVIEW_FORMS.done,
    title: `${REVIEW_KIND_LABELS[schedule.kind]} done`.slice(0, 24),
    submitLabel: 'Record',
    fields: [
      { id: 'date', label: 'Done on', kind: 'date', required: true, initial: today },
      {
        id: 'outcome',
        label: 'Outcome',
        kind: 'select',
        required: true,
        options: REVIEW_OUTCOMES.map((o) => ({ value: o, label: REVIEW_OUTCOME_LABELS[o] })),
      },
      { id: 'findings', label: 'Findings', kind: 'longText', required: false, maxLength: 3000 },
      { id: 'evidence', label: 'Evidence link', kind: 'url', required: false },
      ...slots,
    ],
    context: { review: String(schedule.id) },
  };
}

export async function reviewDoneInputFrom(
  values: FormValues,
  personIdOf: (externalId: string) => Promise<number | undefined> | number | undefined,
): Promise<Record<string, unknown>> {
  const actions = [];
  for (let n = 1; n <= SLOTS; n++) {
    const title = values[`action${n}Title`];
    const owner = values[`action${n}Owner`];
    const due = values[`action${n}Due`];
    if (!title?.trim() && !owner && !due) continue;
    actions.push({ title, ownerPersonId: owner ? await personIdOf(owner) : undefined, dueDate: due });
  }
  return { date: values.date, outcome: values.outcome, findings: values.findings, evidence: values.evidence, actions };
}

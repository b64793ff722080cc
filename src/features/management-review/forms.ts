import type { FormField, FormOption, FormValues, FormView } from '../../chat/views/form.ts';
import type { Person } from '../../core/identity.ts';
import { reviewKey, type ManagementReview } from './domain.ts';

/** The area's form ids. */
export const MR_FORMS = { open: 'mr.open', decision: 'mr.decision', action: 'mr.action', attendees: 'mr.attendees' } as const;
export type MrFormId = (typeof MR_FORMS)[keyof typeof MR_FORMS];

/** The area's buttons: show a review, open its forms, close it, mark an action done. */
export const MR_ACTIONS = {
  show: 'mr.show',
  close: 'mr.close',
  actionDone: 'mr.actionDone',
  decision: MR_FORMS.decision,
  action: MR_FORMS.action,
  attendees: MR_FORMS.attendees,
} as const;
export type MrActionId = (typeof MR_ACTIONS)[keyof typeof MR_ACTIONS];

const FIELD_OF: Record<string, string> = {
  text: 'decision',
  ownerPersonId: 'owner',
  dueDate: 'due',
  attendeePersonIds: 'attendees',
  chairPersonId: 'chair',
};

/** The form field of each schema field (`ownerPersonId` -> `owner`). */
export const mrFieldOf = (field: string): string => FIELD_OF[field] ?? field;

const personChoices = (people: Person[]): FormOption[] =>
  people.map((person) => ({ value: person.externalId, label: (person.displayName ?? person.externalId).slice(0, 75) }));

/** `/aims management-review`: opens the next review, its inputs gathered from the store when submitted. */
export function openForm(leaders: Person[], chair: Person | undefined): FormView {
  return {
    type: MR_FORMS.open,
    title: 'Open management review',
    submitLabel: 'Open review',
    intro:
      'Its inputs (clause 9.3.2) are gathered from the store when you open it, over the period since the previous review: actions from previous reviews, changes in AI systems and high risks, nonconformities and corrective actions, monitoring results, audit results, risks and their treatment.',
    fields: [
      {
        id: 'chair',
        label: 'Chair (leadership)',
        kind: 'person',
        required: false,
        hint: 'The chair closes the review. Leave it empty to name one later in the attendees.',
        choices: personChoices(leaders),
        ...(chair ? { initial: chair.externalId, initialLabel: chair.displayName ?? chair.externalId } : {}),
      },
    ],
    context: {},
  };
}

export function decisionForm(review: ManagementReview): FormView {
  return {
    type: MR_FORMS.decision,
    title: `${reviewKey(review)} decision`,
    submitLabel: 'Record',
    intro: 'A decision of the review: on continual improvement, on changes to the AI management system, on resources.',
    fields: [{ id: 'decision', label: 'Decision', kind: 'longText', required: true, maxLength: 3000 }],
    context: { review: String(review.number) },
  };
}

export function actionForm(review: ManagementReview, people: Person[]): FormView {
  const fields: FormField[] = [
    { id: 'title', label: 'Action', kind: 'text', required: true, maxLength: 300 },
    { id: 'owner', label: 'Owner', kind: 'person', required: true, choices: personChoices(people) },
    { id: 'due', label: 'Due date', kind: 'date', required: true },
  ];
  return {
    type: MR_FORMS.action,
    title: `${reviewKey(review)} action`,
    submitLabel: 'Add action',
    intro: 'The owner is told, nudged until it is done, and open actions carry forward into the next review.',
    fields,
    context: { review: String(review.number) },
  };
}

export function attendeesForm(
  review: ManagementReview,
  people: Person[],
  leaders: Person[],
  chair: Person | undefined,
  attendees: Person[],
): FormView {
  return {
    type: MR_FORMS.attendees,
    title: `${reviewKey(review)} attendees`,
    submitLabel: 'Save',
    intro: 'Who attended, and who chairs: the chair holds the leadership role and closes the review.',
    fields: [
      {
        id: 'attendees',
        label: 'Attendees',
        kind: 'people',
        required: true,
        choices: personChoices(people),
        ...(attendees.length > 0 ? { initial: attendees.map((p) => p.externalId).join(',') } : {}),
      },
      {
        id: 'chair',
        label: 'Chair (leadership)',
        kind: 'person',
        required: true,
        choices: personChoices(leaders.length > 0 ? leaders : people),
        ...(chair ? { initial: chair.externalId, initialLabel: chair.displayName ?? chair.externalId } : {}),
      },
    ],
    context: { review: String(review.number) },
  };
}

/** The people ids a people field sent (comma-separated platform ids). */
export const externalIdsOf = (values: FormValues, field: string): string[] =>
  (values[field] ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);

import type { Person } from '../../core/identity.ts';
import type { FormValues, FormView } from '../../chat/views/form.ts';
import type { Course } from './domain.ts';

/** The area's form ids: Slack modals and Teams cards carry them back with a submission. */
export const TRAINING_FORMS = {
  courseAdd: 'training.course.add',
  courseEdit: 'training.course.edit',
  session: 'training.session',
} as const;
export type TrainingFormId = (typeof TRAINING_FORMS)[keyof typeof TRAINING_FORMS];

const ROLE_OPTIONS = [
  { value: 'admin', label: 'Admins' },
  { value: 'approver', label: 'Approvers' },
  { value: 'leadership', label: 'Leadership' },
];

/** Add or edit a course: who must take it (no roles = everyone), and how often it is renewed. */
export function courseForm(course?: Course): FormView {
  return {
    type: course ? TRAINING_FORMS.courseEdit : TRAINING_FORMS.courseAdd,
    title: course ? 'Edit course' : 'Add a course',
    submitLabel: 'Save',
    fields: [
      { id: 'name', label: 'Name', kind: 'text', required: true, maxLength: 80, ...(course ? { initial: course.name } : {}) },
      {
        id: 'description',
        label: 'Description',
        kind: 'longText',
        required: true,
        maxLength: 1000,
        ...(course ? { initial: course.description } : {}),
      },
      {
        id: 'requiredRoles',
        label: 'Who must take it',
        kind: 'multiSelect',
        required: false,
        hint: 'Leave empty for everyone.',
        options: ROLE_OPTIONS,
        ...(course && course.requiredRoles.length > 0 ? { initial: course.requiredRoles.join(',') } : {}),
      },
      {
        id: 'renewalMonths',
        label: 'Renew every N months',
        kind: 'number',
        required: false,
        hint: 'Leave empty if it never expires.',
        ...(course?.renewalMonths ? { initial: String(course.renewalMonths) } : {}),
      },
    ],
    context: course ? { course: String(course.id) } : {},
  };
}

export function courseInputFrom(values: FormValues): Record<string, unknown> {
  const months = values.renewalMonths?.trim();
  return {
    name: values.name,
    description: values.description,
    requiredRoles: (values.requiredRoles ?? '').split(',').filter(Boolean),
    renewalMonths: months ? Number(months) : null,
  };
}

/** `/aims training`: one session and who attended. */
export function sessionForm(courses: Course[], people: Person[], today: string): FormView {
  return {
    type: TRAINING_FORMS.session,
    title: 'Record a training',
    submitLabel: 'Record',
    fields: [
      {
        id: 'course',
        label: 'Course',
        kind: 'select',
        required: true,
        options: courses.map((c) => ({ value: String(c.id), label: c.name })),
      },
      { id: 'date', label: 'Date', kind: 'date', required: true, initial: today },
      { id: 'trainer', label: 'Trainer', kind: 'text', required: true, maxLength: 120 },
      {
        id: 'attendees',
        label: 'Attendees',
        kind: 'people',
        required: true,
        choices: people.map((p) => ({ value: p.externalId, label: p.displayName ?? p.externalId })),
      },
      { id: 'evidence', label: 'Evidence link or notes', kind: 'longText', required: false, maxLength: 1000 },
    ],
    context: {},
  };
}

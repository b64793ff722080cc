import type { Person } from '../../core/identity.ts';
import type { FormValues, FormView } from '../../chat/views/form.ts';
import { SOA_STATE_LABELS, SOA_STATES, type AnnexControl, type SoaEntry } from './domain.ts';

/** The area's form ids: Slack modals and Teams dialogs carry them back with a submission. */
export const SOA_FORMS = { edit: 'soa.edit' } as const;
export type SoaFormId = (typeof SOA_FORMS)[keyof typeof SOA_FORMS];

/** The area's buttons: approve the version waiting, edit a control, show a control or the summary. */
export const SOA_ACTIONS = {
  approve: 'soa.approve',
  requestApproval: 'soa.requestApproval',
  edit: 'soa.editControl',
  show: 'soa.show',
} as const;
export type SoaActionId = (typeof SOA_ACTIONS)[keyof typeof SOA_ACTIONS];

/** Edit one control's entry: the control id is a field of its own, checked against Annex A. */
export function soaEditForm(input: {
  control?: AnnexControl;
  entry?: SoaEntry;
  owner?: Person;
  people: Person[];
  typed?: string;
}): FormView {
  const { control, entry, owner } = input;
  return {
    type: SOA_FORMS.edit,
    title: 'Edit SoA control',
    submitLabel: 'Save',
    ...(control ? { intro: `${control.id} ${control.title} (${control.group})` } : {}),
    fields: [
      {
        id: 'controlId',
        label: 'Annex A control',
        kind: 'text',
        required: true,
        maxLength: 20,
        placeholder: 'A.6.2.6',
        ...(control ? { initial: control.id } : input.typed ? { initial: input.typed } : {}),
      },
      {
        id: 'applicable',
        label: 'Applicable',
        kind: 'select',
        required: true,
        options: [
          { value: 'yes', label: 'Yes: included' },
          { value: 'no', label: 'No: excluded' },
        ],
        initial: entry && !entry.applicable ? 'no' : 'yes',
      },
      {
        id: 'justification',
        label: 'Justification',
        kind: 'longText',
        required: false,
        maxLength: 2000,
        hint: 'Required when excluded. When included: the risks or requirements it answers.',
        ...(entry?.justification ? { initial: entry.justification } : {}),
      },
      {
        id: 'state',
        label: 'Implementation',
        kind: 'select',
        required: true,
        options: SOA_STATES.map((state) => ({ value: state, label: SOA_STATE_LABELS[state] })),
        initial: entry?.state ?? 'planned',
      },
      {
        id: 'owner',
        label: 'Owner',
        kind: 'person',
        required: false,
        choices: input.people.map((person) => ({ value: person.externalId, label: person.displayName ?? person.externalId })),
        ...(owner ? { initial: owner.externalId, initialLabel: owner.displayName ?? owner.externalId } : {}),
      },
    ],
    context: {},
  };
}

export function soaInputFrom(values: FormValues, ownerPersonId: number | undefined): Record<string, unknown> {
  return {
    controlId: values.controlId ?? '',
    applicable: values.applicable,
    justification: values.justification,
    state: values.state,
    ownerPersonId: ownerPersonId ?? null,
  };
}

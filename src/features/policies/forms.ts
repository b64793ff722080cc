import type { FormValues, FormView } from '../../chat/views/form.ts';
import { AUDIENCE_ROLES, MAX_POLICY_TEXT, versionLabel, type Policy, type PolicyVersion } from './domain.ts';

/** The area's form: a policy's first version, or the next one of a policy (context `policy`: its number). */
export const POLICY_FORMS = { add: 'policy.add' } as const;
export type PolicyFormId = (typeof POLICY_FORMS)[keyof typeof POLICY_FORMS];

/** The area's buttons: approve a version, publish the approved one, acknowledge it (in a DM), show a policy, a new version. */
export const POLICY_ACTIONS = {
  approve: 'policy.approve',
  publish: 'policy.publish',
  acknowledge: 'policy.acknowledge',
  show: 'policy.show',
  newVersion: POLICY_FORMS.add,
} as const;
export type PolicyActionId = (typeof POLICY_ACTIONS)[keyof typeof POLICY_ACTIONS];

const ROLE_LABELS: Record<string, string> = {
  admin: 'Admins',
  approver: 'Approvers',
  leadership: 'Leadership',
  trainer: 'Trainers',
};

/** The form's field of each schema field (all the same but the audience). */
export function policyFieldOf(field: string): string {
  return field === 'form' ? 'name' : field;
}

/** `/aims policy add`, or "New version" on a policy's card: the previous version's content filled in. */
export function policyForm(input: { policy?: Policy; previous?: PolicyVersion }): FormView {
  const { policy, previous } = input;
  const initial = (value: string | null | undefined) => (value ? { initial: value } : {});
  const next = previous ? previous.version + 1 : 1;
  return {
    type: POLICY_FORMS.add,
    title: policy ? `${versionLabel({ version: next })} of a policy` : 'Add a policy',
    submitLabel: 'Add for approval',
    intro: policy
      ? `A new version of ${policy.name}: once approved and published, everyone it names is asked to acknowledge it again.`
      : 'A policy (AI policy, acceptable use, data ...) is approved in the approvals channel, then published to those who must acknowledge it.',
    fields: [
      {
        id: 'name',
        label: 'Policy',
        kind: 'text',
        required: true,
        maxLength: 100,
        placeholder: 'e.g. AI policy',
        ...initial(policy?.name),
      },
      { id: 'title', label: 'Title of this version', kind: 'text', required: true, maxLength: 150, ...initial(previous?.title) },
      { id: 'effectiveDate', label: 'Effective date', kind: 'date', required: true },
      {
        id: 'link',
        label: 'Link to the document',
        kind: 'url',
        required: false,
        maxLength: 2000,
        hint: 'http(s) only. Give a link, or the text below.',
        ...initial(previous?.link),
      },
      { id: 'text', label: 'Text', kind: 'longText', required: false, maxLength: MAX_POLICY_TEXT, ...initial(previous?.text) },
      {
        id: 'changes',
        label: 'What changed',
        kind: 'longText',
        required: true,
        maxLength: 1000,
        ...(policy ? {} : { initial: 'First version.' }),
      },
      {
        id: 'audience',
        label: 'Who must acknowledge it',
        kind: 'multiSelect',
        required: false,
        hint: 'Everyone (all people the bot knows in this workspace), or the holders of these roles. None chosen: everyone.',
        options: [
          { value: 'everyone', label: 'Everyone' },
          ...AUDIENCE_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] ?? role })),
        ],
        initial: previous ? (previous.audience === 'everyone' ? 'everyone' : previous.audience.join(',')) : 'everyone',
      },
    ],
    context: policy ? { policy: String(policy.number) } : {},
  };
}

/** Form values to the version schema's shape. */
export function policyInputFrom(values: FormValues): Record<string, unknown> {
  return {
    name: values.name,
    title: values.title,
    effectiveDate: values.effectiveDate,
    link: values.link,
    text: values.text,
    changes: values.changes,
    audience: (values.audience ?? '').split(',').filter(Boolean),
  };
}

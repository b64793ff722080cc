import {
  EU_RISK_LABELS,
  EU_RISK_LEVELS,
  INTERNAL_TIERS,
  PROVIDER_LABELS,
  PROVIDERS,
  STAGE_LABELS,
  STAGES,
  TIER_LABELS,
  type AiSystem,
} from './domain.ts';
import type { Person } from '../../core/identity.ts';
import type { FormField, FormOption, FormValues, FormView } from '../../chat/views/form.ts';

/** The area's form ids: Slack modals and Teams cards carry them back with a submission. */
export const SYSTEM_FORMS = { add: 'system.add', edit: 'system.edit' } as const;
export type SystemFormId = (typeof SYSTEM_FORMS)[keyof typeof SYSTEM_FORMS];

/** The area's buttons: Edit (opens the edit form), Retire, and Show (back to the card from a confirm or a cancelled form). */
export const SYSTEM_ACTIONS = { edit: SYSTEM_FORMS.edit, retire: 'system.retire', show: 'system.show' } as const;
export type SystemActionId = (typeof SYSTEM_ACTIONS)[keyof typeof SYSTEM_ACTIONS];

const options = <T extends string>(values: readonly T[], labels: Record<T, string>): FormOption[] =>
  values.map((value) => ({ value, label: labels[value] }));

const RISK_HINTS: Record<(typeof EU_RISK_LEVELS)[number], string> = {
  prohibited: 'Banned practices (Art. 5), e.g. social scoring',
  high: 'Annex III uses, e.g. hiring, credit, safety components',
  limited: 'Chatbots and generated content: users must be told',
  minimal: 'Everything else, e.g. spam filters',
};

/** The AI system form: empty to add one, filled in to edit one. */
export function systemForm(input: {
  mode: 'add' | 'edit';
  system?: AiSystem;
  owner?: Person;
  /** Known people, for platforms whose form cannot search the directory (Teams). */
  people: Person[];
  prefillName?: string;
}): FormView {
  const { system, owner } = input;
  const stageValues = input.mode === 'add' ? STAGES.filter((stage) => stage !== 'retired') : STAGES;
  const fields: FormField[] = [
    {
      id: 'name',
      label: 'Name',
      kind: 'text',
      required: true,
      maxLength: 80,
      placeholder: 'e.g. Fraud scorer',
      initial: system?.name ?? input.prefillName,
    },
    {
      id: 'description',
      label: 'Description',
      kind: 'longText',
      required: true,
      maxLength: 2000,
      placeholder: 'What it is and how it works',
      initial: system?.description,
    },
    {
      id: 'purpose',
      label: 'Intended purpose',
      kind: 'longText',
      required: true,
      maxLength: 1000,
      placeholder: 'What it is for, and for whom',
      initial: system?.purpose,
    },
    {
      id: 'owner',
      label: 'Owner',
      kind: 'person',
      required: true,
      hint: 'Accountable for the system: incidents and reviews go to them.',
      choices: input.people.map((person) => ({ value: person.externalId, label: person.displayName ?? person.externalId })),
      initial: owner?.externalId,
      initialLabel: owner?.displayName ?? owner?.externalId,
    },
    {
      id: 'euRiskLevel',
      label: 'Risk level (EU AI Act)',
      kind: 'select',
      required: true,
      options: EU_RISK_LEVELS.map((level) => ({ value: level, label: EU_RISK_LABELS[level], description: RISK_HINTS[level] })),
      initial: system?.euRiskLevel,
    },
    {
      id: 'internalTier',
      label: 'Internal tier',
      kind: 'select',
      required: true,
      options: options(INTERNAL_TIERS, TIER_LABELS),
      initial: system?.internalTier,
    },
    {
      id: 'stage',
      label: 'Lifecycle stage',
      kind: 'select',
      required: true,
      options: options(stageValues, STAGE_LABELS),
      initial: system?.stage ?? 'development',
    },
    {
      id: 'provider',
      label: 'Provider',
      kind: 'select',
      required: true,
      options: options(PROVIDERS, PROVIDER_LABELS),
      initial: system?.provider ?? 'in-house',
    },
    {
      id: 'vendorName',
      label: 'Vendor (third party only)',
      kind: 'text',
      required: false,
      maxLength: 120,
      initial: system?.vendorName ?? undefined,
    },
    {
      id: 'modelCardUrl',
      label: 'Model card link',
      kind: 'url',
      required: false,
      placeholder: 'https://',
      initial: system?.modelCardUrl ?? undefined,
    },
    {
      id: 'repositoryUrl',
      label: 'Repository link',
      kind: 'url',
      required: false,
      placeholder: 'https://',
      initial: system?.repositoryUrl ?? undefined,
    },
  ];
  return {
    type: input.mode === 'add' ? SYSTEM_FORMS.add : SYSTEM_FORMS.edit,
    title: input.mode === 'add' ? 'Add an AI system' : 'Edit AI system',
    submitLabel: input.mode === 'add' ? 'Add' : 'Save',
    fields,
    context: system ? { systemId: String(system.id) } : {},
  };
}

/** Form values to the shape the AI system schema validates (owner resolved to a person id). */
export function systemInputFrom(values: FormValues, ownerPersonId: number | undefined): Record<string, unknown> {
  return {
    name: values.name,
    description: values.description,
    purpose: values.purpose,
    ownerPersonId,
    euRiskLevel: values.euRiskLevel,
    internalTier: values.internalTier,
    stage: values.stage,
    provider: values.provider,
    vendorName: values.vendorName,
    modelCardUrl: values.modelCardUrl,
    repositoryUrl: values.repositoryUrl,
  };
}

import type { AiSystem } from '../ai-systems/domain.ts';
import { CHANGE_TYPE_LABELS, CHANGE_TYPES, domainOf, type AcceptanceCriterion, type Release, type ReleaseMetric } from './domain.ts';
import type { FormField, FormValues, FormView } from '../../chat/views/form.ts';
import { criterionText } from './views.ts';

/** The area's form ids: Slack modals and Teams cards carry them back with a submission. */
export const RELEASE_FORMS = {
  pick: 'release.pick',
  request: 'release.request',
  edit: 'release.edit',
  reject: 'release.reject',
  approve: 'release.approve',
} as const;
export type ReleaseFormId = (typeof RELEASE_FORMS)[keyof typeof RELEASE_FORMS];

/** The area's buttons on a sign-off card (approve, approve with a comment, reject, withdraw), its refresh and its edit. */
export const RELEASE_ACTIONS = {
  approve: RELEASE_FORMS.approve,
  approveWithComment: 'release.approveWithComment',
  reject: RELEASE_FORMS.reject,
  withdraw: 'release.withdraw',
  show: 'release.show',
  edit: RELEASE_FORMS.edit,
} as const;
export type ReleaseActionId = (typeof RELEASE_ACTIONS)[keyof typeof RELEASE_ACTIONS];

/** Step one of `/aims release`: which system (its criteria decide the rest of the form). */
export function releasePickForm(systems: AiSystem[]): FormView {
  return {
    type: RELEASE_FORMS.pick,
    title: 'Request a release',
    submitLabel: 'Next',
    fields: [
      {
        id: 'aiSystem',
        label: 'AI system',
        kind: 'aiSystem',
        required: true,
        placeholder: 'Search the inventory',
        choices: systems.map((s) => ({ value: String(s.id), label: s.name })),
      },
    ],
    context: {},
  };
}

const measuredId = (criterion: AcceptanceCriterion) => `criterion.${criterion.id}`;

/** The request itself: the version, the change, a measured value per criterion, risks; editing fills it in. */
export function releaseRequestForm(input: {
  system: AiSystem;
  criteria: AcceptanceCriterion[];
  defaultApprovals: number;
  release?: Release;
  metrics?: ReleaseMetric[];
}): FormView {
  const { release, metrics = [] } = input;
  const measured = (criterion: AcceptanceCriterion) =>
    metrics.find((m) => m.metric === criterion.metric && m.dataset === criterion.dataset)?.measured;
  const extras = metrics
    .filter((m) => m.comparison === null)
    .map((m) => `${m.metric}${m.dataset ? ` on ${m.dataset}` : ''} = ${m.measured}`);
  const fields: FormField[] = [
    {
      id: 'version',
      label: 'Version',
      kind: 'text',
      required: true,
      maxLength: 60,
      placeholder: 'e.g. 2.4.0',
      ...(release ? { initial: release.version } : {}),
    },
    {
      id: 'changeType',
      label: 'Change type',
      kind: 'select',
      required: true,
      options: CHANGE_TYPES.map((t) => ({ value: t, label: CHANGE_TYPE_LABELS[t] })),
      ...(release ? { initial: release.changeType } : {}),
    },
    {
      id: 'whatChanged',
      label: 'What changed',
      kind: 'longText',
      required: true,
      maxLength: 3000,
      ...(release ? { initial: release.whatChanged } : {}),
    },
    ...input.criteria.map((criterion): FormField => {
      const value = measured(criterion);
      const domain = domainOf(criterion);
      return {
        id: measuredId(criterion),
        label: `Measured: ${criterionText(criterion)}`.slice(0, 150),
        kind: 'number',
        required: true,
        ...(domain ? { hint: `Must be ${domain.label}.` } : {}),
        ...(value === undefined ? {} : { initial: String(value) }),
      };
    }),
    {
      id: 'extraMetrics',
      label: 'Other metrics (optional)',
      kind: 'longText',
      required: false,
      placeholder: 'One per line: latency_p95 on prod-sample = 120',
      ...(extras.length > 0 ? { initial: extras.join('\n') } : {}),
    },
    {
      id: 'evaluationLink',
      label: 'Evaluation run link',
      kind: 'url',
      required: false,
      placeholder: 'https://',
      ...(release?.evaluationLink ? { initial: release.evaluationLink } : {}),
    },
    {
      id: 'risks',
      label: 'Known risks and limitations',
      kind: 'longText',
      required: true,
      maxLength: 2000,
      ...(release ? { initial: release.risks } : {}),
    },
    {
      id: 'justification',
      label: 'Justification (required if a criterion fails)',
      kind: 'longText',
      required: false,
      maxLength: 2000,
      ...(release?.justification ? { initial: release.justification } : {}),
    },
    {
      id: 'approvalsNeeded',
      label: 'Approvals needed',
      kind: 'select',
      required: true,
      hint: `The workspace default is ${input.defaultApprovals}; admins may ask for more.`,
      options: [1, 2, 3, 4, 5].filter((n) => n >= input.defaultApprovals).map((n) => ({ value: String(n), label: String(n) })),
      initial: String(release?.approvalsNeeded ?? input.defaultApprovals),
    },
  ];
  return {
    type: release ? RELEASE_FORMS.edit : RELEASE_FORMS.request,
    title: release ? `Edit REL-${release.id}` : `Release ${input.system.name}`.slice(0, 24),
    submitLabel: release ? 'Save' : 'Request sign-off',
    fields,
    context: { aiSystemId: String(input.system.id), ...(release ? { release: String(release.id) } : {}) },
  };
}

/**
 * A decimal as people type it: "0.92", "0,92" (decimal comma). "1,200" or "1.2.3" are ambiguous or
 * wrong and give NaN rather than a silently different number.
 */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  if (/^-?\d+([.,]\d+)?$/.test(trimmed) && !/^-?\d{1,3},\d{3}$/.test(trimmed)) return Number(trimmed.replace(',', '.'));
  return Number.NaN;
}

/**
 * Form values to the release schema's shape; a value that is not a number becomes NaN and is refused at its field.
 * `fieldOfMeasurement[i]` is the form field measurement i came from, so the service's errors show there.
 */
export function releaseInputFrom(
  values: FormValues,
  context: Record<string, string>,
  criteria: AcceptanceCriterion[],
): { raw: Record<string, unknown>; extraErrors: Record<string, string>; fieldOfMeasurement: string[] } {
  const extraErrors: Record<string, string> = {};
  const measurements: Array<{ metric: string; dataset?: string; value: number }> = [];
  const fieldOfMeasurement: string[] = [];
  for (const criterion of criteria) {
    const text = values[measuredId(criterion)];
    if (text === undefined || text.trim() === '') continue;
    const value = parseDecimal(text);
    if (!Number.isFinite(value)) extraErrors[measuredId(criterion)] = 'Enter the measured value as a number.';
    else {
      measurements.push({ metric: criterion.metric, dataset: criterion.dataset, value });
      fieldOfMeasurement.push(measuredId(criterion));
    }
  }
  for (const line of (values.extraMetrics ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = /^(.+?)(?:\s+on\s+(.+?))?\s*=\s*(-?[\d.,]+)$/.exec(line);
    if (!match) {
      extraErrors.extraMetrics = `“${line}” is not “metric = value” (or “metric on dataset = value”).`;
      continue;
    }
    const value = parseDecimal(match[3] ?? '');
    if (!Number.isFinite(value)) {
      extraErrors.extraMetrics = `“${line}”: ${match[3] ?? ''} is not a number (write 1200 or 0.92).`;
      continue;
    }
    measurements.push({ metric: match[1] ?? '', ...(match[2] ? { dataset: match[2] } : {}), value });
    fieldOfMeasurement.push('extraMetrics');
  }
  return {
    raw: {
      aiSystemId: Number(context.aiSystemId),
      version: values.version,
      changeType: values.changeType,
      whatChanged: values.whatChanged,
      measurements,
      evaluationLink: values.evaluationLink,
      risks: values.risks,
      justification: values.justification,
      approvalsNeeded: values.approvalsNeeded ? Number(values.approvalsNeeded) : undefined,
    },
    extraErrors,
    fieldOfMeasurement,
  };
}

export function rejectForm(release: Release): FormView {
  return {
    type: RELEASE_FORMS.reject,
    title: `Reject REL-${release.id}`,
    submitLabel: 'Reject',
    fields: [{ id: 'reason', label: 'Why do you reject it?', kind: 'longText', required: true, maxLength: 1000 }],
    context: { release: String(release.id), seen: release.contentHash },
  };
}

export function approveForm(release: Release): FormView {
  return {
    type: RELEASE_FORMS.approve,
    title: `Approve REL-${release.id}`,
    submitLabel: 'Approve',
    fields: [{ id: 'comment', label: 'Comment', kind: 'longText', required: false, maxLength: 1000 }],
    context: { release: String(release.id), seen: release.contentHash },
  };
}

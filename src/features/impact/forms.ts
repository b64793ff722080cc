import type { AiSystem } from '../ai-systems/domain.ts';
import type { FormField, FormValues, FormView } from '../../chat/views/form.ts';
import { LIKELIHOOD_LABELS, SEVERITY_LABELS } from './domain.ts';

/** The area's form and buttons: the assessment of one system, its card, its sign-off. */
export const IMPACT_FORMS = { assess: 'impact.assess' } as const;
export const IMPACT_ACTIONS = { start: 'impact.start', show: 'impact.show', sign: 'impact.sign' } as const;
export type ImpactFormId = (typeof IMPACT_FORMS)[keyof typeof IMPACT_FORMS];
export type ImpactActionId = (typeof IMPACT_ACTIONS)[keyof typeof IMPACT_ACTIONS];

export const HARM_SLOTS = 3;
export const MITIGATION_SLOTS = 2;

const levels = (labels: readonly string[]) =>
  labels
    .slice(1)
    .map((label, i) => `${i + 1} ${label}`)
    .join(', ');

/** The assessment of one system: uses, who is affected, harms rated 1-5, mitigations with their risks, oversight. */
export function impactForm(system: AiSystem): FormView {
  const harms: FormField[] = Array.from({ length: HARM_SLOTS }, (_, i) => i + 1).flatMap((n): FormField[] => [
    { id: `harm${n}`, label: `Harm ${n}${n > 1 ? ' (optional)' : ''}`, kind: 'text', required: n === 1, maxLength: 500 },
    { id: `harm${n}Severity`, label: `Severity of harm ${n} (1-5)`, kind: 'number', required: n === 1, hint: levels(SEVERITY_LABELS) },
    {
      id: `harm${n}Likelihood`,
      label: `Likelihood of harm ${n} (1-5)`,
      kind: 'number',
      required: n === 1,
      hint: levels(LIKELIHOOD_LABELS),
    },
  ]);
  const mitigations: FormField[] = Array.from({ length: MITIGATION_SLOTS }, (_, i) => i + 1).flatMap((n): FormField[] => [
    { id: `mitigation${n}`, label: `Mitigation ${n} (optional)`, kind: 'longText', required: false, maxLength: 1000 },
    { id: `mitigation${n}Risks`, label: `Risks it treats (R-3, R-5)`, kind: 'text', required: false, maxLength: 200 },
  ]);
  return {
    type: IMPACT_FORMS.assess,
    title: 'Impact assessment',
    submitLabel: 'Submit',
    intro: `Impact assessment of ${system.name}. An approver other than you signs it off in the approvals channel.`,
    fields: [
      { id: 'intendedUse', label: 'Intended use', kind: 'longText', required: true, maxLength: 3000 },
      { id: 'foreseeableMisuse', label: 'Foreseeable misuse', kind: 'longText', required: true, maxLength: 3000 },
      { id: 'affected', label: 'Individuals and groups affected, and how', kind: 'longText', required: true, maxLength: 3000 },
      { id: 'societalImpact', label: 'Societal impact', kind: 'longText', required: true, maxLength: 3000 },
      ...harms,
      ...mitigations,
      { id: 'humanOversight', label: 'Human oversight in place', kind: 'longText', required: true, maxLength: 3000 },
    ],
    context: { aiSystemId: String(system.id) },
  };
}

const numberOf = (value: string | undefined) => (value?.trim() ? Number(value.trim()) : undefined);

/** The form's values as the service's input; rows left empty are left out. */
export function impactInputFrom(values: FormValues, context: Record<string, string>): Record<string, unknown> {
  const harms = [];
  for (let n = 1; n <= HARM_SLOTS; n++) {
    const [description, severity, likelihood] = [values[`harm${n}`], values[`harm${n}Severity`], values[`harm${n}Likelihood`]];
    if (n > 1 && !description?.trim() && !severity?.trim() && !likelihood?.trim()) continue;
    harms.push({ description: description ?? '', severity: numberOf(severity), likelihood: numberOf(likelihood) });
  }
  const mitigations = [];
  for (let n = 1; n <= MITIGATION_SLOTS; n++) {
    const [text, risks] = [values[`mitigation${n}`], values[`mitigation${n}Risks`]];
    if (!text?.trim() && !risks?.trim()) continue;
    mitigations.push({
      text: text ?? '',
      riskRefs: (risks ?? '')
        .split(/[,;\s]+(?=R)/i)
        .map((ref) => ref.trim())
        .filter(Boolean),
    });
  }
  return {
    aiSystemId: Number(context.aiSystemId),
    intendedUse: values.intendedUse,
    foreseeableMisuse: values.foreseeableMisuse,
    affected: values.affected,
    societalImpact: values.societalImpact,
    harms,
    mitigations,
    humanOversight: values.humanOversight,
  };
}

/** The form field that shows an input field's error: `harms.0.severity` -> `harm1Severity`. */
export function impactFieldOf(field: string): string {
  const row = /^(harms|mitigations)\.(\d+)(?:\.(\w+))?$/.exec(field);
  if (!row) return field === 'harms' ? 'harm1' : field === 'aiSystemId' ? 'intendedUse' : field;
  const n = Number(row[2]) + 1;
  const part = row[3] ?? '';
  if (row[1] === 'harms') return `harm${n}${part === 'severity' ? 'Severity' : part === 'likelihood' ? 'Likelihood' : ''}`;
  return `mitigation${n}${part === 'riskRefs' ? 'Risks' : ''}`;
}

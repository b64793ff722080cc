import type { Person } from '../../core/identity.ts';
import type { FormField, FormOption, FormValues, FormView } from '../../chat/views/form.ts';
import { ROUTER_ACTIONS } from '../../chat/feature.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import type { AiSystem } from '../ai-systems/domain.ts';
import {
  AUDIT_AREA_LABELS,
  AUDIT_AREAS,
  auditKey,
  FINDING_KINDS,
  FINDING_LABELS,
  NC_GRADE_OF,
  ncKey,
  type AuditFinding,
  type InternalAudit,
  type Nonconformity,
} from './domain.ts';
import { requirementIdsOf } from './input.ts';

/** The area's form ids; `nonconformity.log` is the one other areas open (objectives), with the context keys of shared-17.md. */
export const AUDIT_FORMS = {
  plan: 'audit.plan',
  finding: 'audit.finding',
  nonconformity: 'nonconformity.log',
  action: 'nonconformity.action',
  check: 'nonconformity.check',
} as const;
export type AuditFormId = (typeof AUDIT_FORMS)[keyof typeof AUDIT_FORMS];

/** The area's buttons: show an audit or a nonconformity, complete an audit, mark a nonconformity's action done. */
export const AUDIT_ACTIONS = {
  show: 'audit.show',
  complete: 'audit.complete',
  showNc: 'nonconformity.show',
  actionDone: 'nonconformity.actionDone',
} as const;
export type AuditActionId = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];

const personChoices = (people: Person[]): FormOption[] =>
  people.map((person) => ({ value: person.externalId, label: (person.displayName ?? person.externalId).slice(0, 75) }));

const personInitial = (person: Person | undefined) =>
  person ? { initial: person.externalId, initialLabel: person.displayName ?? person.externalId } : {};

/** The form field of each schema field (`leadAuditorPersonId` -> `lead`). */
export function auditFieldOf(field: string): string {
  return (
    (
      {
        leadAuditorPersonId: 'lead',
        auditorPersonIds: 'auditors',
        systemIds: 'systems',
        ownerPersonId: 'owner',
        checkerPersonId: 'checker',
        ref: 'clause',
        source: 'clause',
      } as Record<string, string>
    )[field] ?? field
  );
}

/** `/aims audit plan`: an entry of the audit programme. */
export function auditPlanForm(input: { systems: AiSystem[]; people: Person[] }): FormView {
  const fields: FormField[] = [
    { id: 'title', label: 'Title', kind: 'text', required: true, maxLength: 150, placeholder: 'e.g. Q1 audit of the risk process' },
    {
      id: 'clauses',
      label: 'Clauses in scope',
      kind: 'text',
      required: false,
      maxLength: 300,
      placeholder: 'e.g. 6.1.2, 9.2, 10.2',
    },
    { id: 'controls', label: 'Annex A controls in scope', kind: 'text', required: false, maxLength: 400, placeholder: 'e.g. A.6.2.6' },
    ...(input.systems.length > 0
      ? [
          {
            id: 'systems',
            label: 'AI systems in scope',
            kind: 'multiSelect' as const,
            required: false,
            options: input.systems.slice(0, 100).map((s) => ({ value: String(s.id), label: s.name.slice(0, 75) })),
          },
        ]
      : []),
    {
      id: 'areas',
      label: 'Areas in scope',
      kind: 'multiSelect',
      required: false,
      hint: 'An area takes in all its records: their owners cannot audit it.',
      options: AUDIT_AREAS.map((area) => ({ value: area, label: AUDIT_AREA_LABELS[area] })),
    },
    { id: 'plannedStart', label: 'Planned start', kind: 'date', required: true },
    { id: 'plannedEnd', label: 'Planned end', kind: 'date', required: true },
    { id: 'lead', label: 'Lead auditor', kind: 'person', required: true, choices: personChoices(input.people) },
    {
      id: 'auditors',
      label: 'Auditors',
      kind: 'people',
      required: false,
      hint: 'Nobody may audit their own work: owners of records in scope are refused.',
      choices: personChoices(input.people),
    },
  ];
  return { type: AUDIT_FORMS.plan, title: 'Plan an internal audit', submitLabel: 'Plan audit', fields, context: {} };
}

/** `/aims audit AUD-2 finding`: a finding, tied to a clause or an Annex A control. */
export function findingForm(audit: InternalAudit): FormView {
  return {
    type: AUDIT_FORMS.finding,
    title: `Finding in ${auditKey(audit)}`,
    submitLabel: 'Log finding',
    intro: `${auditKey(audit)} · ${audit.title}`,
    fields: [
      {
        id: 'kind',
        label: 'Kind',
        kind: 'select',
        required: true,
        options: FINDING_KINDS.map((kind) => ({ value: kind, label: FINDING_LABELS[kind] })),
      },
      { id: 'clause', label: 'Clause or Annex A control', kind: 'text', required: true, maxLength: 20, placeholder: 'e.g. 9.2 or A.6.2.6' },
      { id: 'description', label: 'What was found', kind: 'longText', required: true, maxLength: 3000 },
      {
        id: 'recordRef',
        label: 'Record it concerns (optional)',
        kind: 'text',
        required: false,
        maxLength: 40,
        placeholder: 'e.g. R-3, INC-4',
      },
    ],
    context: { audit: String(audit.number) },
  };
}

/** The context `nonconformity.log` opens with (shared-17.md): source, ref, clause, description, owner; from a finding also its id and grade. */
export type NonconformityContext = Partial<Record<'source' | 'ref' | 'clause' | 'description' | 'owner' | 'finding' | 'grade', string>>;

/** The `nonconformity.log` form, filled in from where it was opened. */
export function nonconformityForm(context: NonconformityContext, people: Person[], owner: Person | undefined): FormView {
  const initial = (value: string | undefined) => (value ? { initial: value } : {});
  const from = context.source === 'objective' ? `objective ${context.ref ?? ''}` : (context.ref ?? '');
  return {
    type: AUDIT_FORMS.nonconformity,
    title: 'Log a nonconformity',
    submitLabel: 'Log nonconformity',
    intro: `From ${from}${context.finding ? ' (a finding)' : ''}. The owner raises its corrective action.`,
    fields: [
      {
        id: 'clause',
        label: 'Clause or Annex A control',
        kind: 'text',
        required: true,
        maxLength: 20,
        ...initial(context.clause),
      },
      {
        id: 'grade',
        label: 'Grade',
        kind: 'select',
        required: true,
        options: [
          { value: 'minor', label: 'Minor nonconformity' },
          { value: 'major', label: 'Major nonconformity' },
        ],
        initial: context.grade === 'major' ? 'major' : 'minor',
      },
      {
        id: 'description',
        label: 'Description',
        kind: 'longText',
        required: true,
        maxLength: 3000,
        ...initial(context.description?.slice(0, 3000)),
      },
      { id: 'owner', label: 'Owner', kind: 'person', required: true, choices: personChoices(people), ...personInitial(owner) },
    ],
    context: {
      source: context.source ?? '',
      ref: context.ref ?? '',
      ...(context.finding ? { finding: context.finding } : {}),
    },
  };
}

/** The corrective action of a nonconformity: root cause, action, owner, due date, and who checks it worked. */
export function correctionForm(nc: Nonconformity, people: Person[], owner: Person | undefined): FormView {
  return {
    type: AUDIT_FORMS.action,
    title: `Correct ${ncKey(nc)}`,
    submitLabel: 'Raise action',
    intro: `${ncKey(nc)} · ${nc.clause} · ${nc.description.slice(0, 300)}`,
    fields: [
      { id: 'rootCause', label: 'Root cause', kind: 'longText', required: true, maxLength: 2000 },
      { id: 'title', label: 'Corrective action', kind: 'text', required: true, maxLength: 300 },
      {
        id: 'owner',
        label: 'Owner of the action',
        kind: 'person',
        required: true,
        choices: personChoices(people),
        ...personInitial(owner),
      },
      { id: 'dueDate', label: 'Due date', kind: 'date', required: true },
      {
        id: 'checker',
        label: 'Who checks its effectiveness',
        kind: 'person',
        required: true,
        hint: 'Someone other than the action’s owner, once it is done.',
        choices: personChoices(people),
      },
    ],
    context: { nc: String(nc.number) },
  };
}

/** The effectiveness check of a nonconformity's done action. */
export function checkForm(nc: Nonconformity, actionTitle: string): FormView {
  return {
    type: AUDIT_FORMS.check,
    title: `Check ${ncKey(nc)}`,
    submitLabel: 'Record check',
    intro: `Was the corrective action “${actionTitle.slice(0, 200)}” effective? Passed closes ${ncKey(nc)}; failed opens the action again.`,
    fields: [
      {
        id: 'result',
        label: 'Result',
        kind: 'select',
        required: true,
        options: [
          { value: 'passed', label: 'Effective: the nonconformity does not recur' },
          { value: 'failed', label: 'Not effective: more work is needed' },
        ],
      },
      { id: 'note', label: 'Evidence or what is still wrong', kind: 'longText', required: false, maxLength: 2000 },
    ],
    context: { nc: String(nc.number) },
  };
}

/** A button that opens one of the area's forms through the router. */
export function formButton(label: string, form: AuditFormId, context: Record<string, string>, style?: 'primary'): ButtonView {
  return { label, action: ROUTER_ACTIONS.openForm, args: { form, ...context }, opensForm: true, ...(style ? { style } : {}) };
}

/** The button on a nonconformity finding that logs it: `nonconformity.log` with source "audit". */
export function logFindingButton(audit: InternalAudit, finding: AuditFinding, ownerPersonId?: number): ButtonView {
  return formButton(`Log NC from F${finding.number}`, AUDIT_FORMS.nonconformity, {
    source: 'audit',
    ref: auditKey(audit),
    clause: finding.clause,
    // Button values are small: the form shows it in full to edit.
    description: finding.description.slice(0, 1200),
    finding: String(finding.id),
    grade: NC_GRADE_OF[finding.kind] ?? 'minor',
    ...(ownerPersonId ? { owner: String(ownerPersonId) } : {}),
  });
}

/** Plan form values to the schema's shape; people pickers resolved to person ids by the caller. */
export async function planInputFrom(
  values: FormValues,
  personIdOf: (externalId: string | undefined) => Promise<number | undefined>,
): Promise<Record<string, unknown>> {
  const auditors: number[] = [];
  for (const externalId of (values.auditors ?? '').split(',').filter(Boolean)) {
    const id = await personIdOf(externalId);
    if (id !== undefined) auditors.push(id);
  }
  return {
    title: values.title,
    clauses: requirementIdsOf(values.clauses),
    controls: requirementIdsOf(values.controls),
    systemIds: (values.systems ?? '').split(',').filter(Boolean).map(Number),
    areas: (values.areas ?? '').split(',').filter(Boolean),
    plannedStart: values.plannedStart,
    plannedEnd: values.plannedEnd,
    leadAuditorPersonId: await personIdOf(values.lead),
    auditorPersonIds: auditors,
  };
}

import type { AiSystem } from '../../features/ai-systems/domain.ts';
import type { Person } from '../../core/identity.ts';
import { INCIDENT_TYPE_LABELS, INCIDENT_TYPES, SEVERITIES, SEVERITY_LABELS, SEVERITY_MEANINGS, type Incident } from './domain.ts';
import type { FormOption, FormValues, FormView } from '../../chat/views/form.ts';

/** The area's form ids: Slack modals and Teams cards carry them back with a submission. */
export const INCIDENT_FORMS = {
  report: 'incident.report',
  acknowledge: 'incident.acknowledge',
  resolve: 'incident.resolve',
  comment: 'incident.comment',
} as const;
export type IncidentFormId = (typeof INCIDENT_FORMS)[keyof typeof INCIDENT_FORMS];

/** The area's buttons: an incident card's lifecycle buttons (one per transition), Comment, Show, and Done on a corrective action. */
export const INCIDENT_ACTIONS = {
  acknowledge: INCIDENT_FORMS.acknowledge,
  mitigate: 'incident.mitigate',
  resolve: INCIDENT_FORMS.resolve,
  close: 'incident.close',
  reopen: 'incident.reopen',
  comment: INCIDENT_FORMS.comment,
  show: 'incident.show',
  actionDone: 'action.done',
} as const;
export type IncidentActionId = (typeof INCIDENT_ACTIONS)[keyof typeof INCIDENT_ACTIONS];

const personChoices = (people: Person[]): FormOption[] =>
  people.map((person) => ({ value: person.externalId, label: person.displayName ?? person.externalId }));

/** `/aims incident`: what happened, to which system, how bad, when, to whom. */
export function incidentForm(input: {
  systems: AiSystem[];
  timeZone: string;
  now: string;
  title?: string;
  description?: string;
}): FormView {
  return {
    type: INCIDENT_FORMS.report,
    title: 'Report an AI incident',
    submitLabel: 'Report',
    timeZone: input.timeZone,
    fields: [
      {
        id: 'aiSystem',
        label: 'AI system',
        kind: 'aiSystem',
        required: false,
        placeholder: 'Search the inventory',
        choices: input.systems.map((system) => ({ value: String(system.id), label: system.name })),
      },
      { id: 'systemName', label: 'Not in the inventory yet? Its name', kind: 'text', required: false, maxLength: 80 },
      {
        id: 'title',
        label: 'Title',
        kind: 'text',
        required: true,
        maxLength: 150,
        placeholder: 'e.g. Scorer flags every payment from one bank',
        ...(input.title ? { initial: input.title } : {}),
      },
      {
        id: 'description',
        label: 'What happened',
        kind: 'longText',
        required: true,
        maxLength: 3000,
        ...(input.description ? { initial: input.description } : {}),
      },
      {
        id: 'severity',
        label: 'Severity',
        kind: 'select',
        required: true,
        options: SEVERITIES.map((severity) => ({
          value: severity,
          label: SEVERITY_LABELS[severity],
          description: SEVERITY_MEANINGS[severity],
        })),
      },
      {
        id: 'type',
        label: 'Type',
        kind: 'select',
        required: true,
        options: INCIDENT_TYPES.map((type) => ({ value: type, label: INCIDENT_TYPE_LABELS[type] })),
      },
      { id: 'detectedAt', label: 'Detected', kind: 'datetime', required: true, initial: input.now },
      { id: 'affected', label: 'Who or what was affected', kind: 'longText', required: true, maxLength: 1000 },
    ],
    context: {},
  };
}

export function incidentInputFrom(values: FormValues): Record<string, unknown> {
  return {
    aiSystemId: values.aiSystem ? Number(values.aiSystem) : null,
    systemName: values.systemName,
    title: values.title,
    description: values.description,
    severity: values.severity,
    type: values.type,
    detectedAt: values.detectedAt,
    affected: values.affected,
  };
}

/**
 * Acknowledge: the person who submits becomes the responder. The owner stays accountable; only the
 * owner or an admin (`canReassign`) sees the owner field and may name someone else.
 */
export function acknowledgeForm(incident: Incident, owner: Person | undefined, people: Person[], canReassign = true): FormView {
  const ownerName = owner ? (owner.displayName ?? owner.externalId) : undefined;
  if (!canReassign) {
    return {
      type: INCIDENT_FORMS.acknowledge,
      title: `Acknowledge INC-${incident.number}`,
      submitLabel: 'Acknowledge',
      intro: [
        { text: 'You will be recorded as the responder. ' },
        {
          text: ownerName
            ? `${ownerName} stays the owner: mitigate, resolve and close are theirs (or an admin’s).`
            : 'It has no owner yet: an admin names one; until then an admin moves it on.',
        },
      ],
      fields: [],
      context: { incident: String(incident.number) },
    };
  }
  return {
    type: INCIDENT_FORMS.acknowledge,
    title: `Acknowledge INC-${incident.number}`,
    submitLabel: 'Acknowledge',
    intro: [{ text: 'You will be recorded as the responder.' }],
    // Redrawn with its errors (Teams), the form keeps the shape it was submitted in.
    context: { incident: String(incident.number), withOwner: '1' },
    fields: [
      {
        id: 'owner',
        label: 'Owner',
        kind: 'person',
        required: true,
        hint: 'Who drives it to resolution. Mitigate, resolve and close are theirs (or an admin’s).',
        choices: personChoices(people),
        ...(owner ? { initial: owner.externalId, initialLabel: owner.displayName ?? owner.externalId } : {}),
      },
    ],
  };
}

export const ACTION_SLOTS = 3;

/** Resolve: the root cause and the corrective actions (at least one), each with an owner and a due date. */
export function resolveForm(incident: Incident, people: Person[], defaultOwner: Person | undefined): FormView {
  const slots = Array.from({ length: ACTION_SLOTS }, (_, i) => i + 1).flatMap((n) => [
    {
      id: `action${n}Title`,
      label: `Corrective action ${n}${n === 1 ? '' : ' (optional)'}`,
      kind: 'text' as const,
      required: n === 1,
      maxLength: 300,
    },
    {
      id: `action${n}Owner`,
      label: `Owner of action ${n}`,
      kind: 'person' as const,
      required: n === 1,
      choices: personChoices(people),
      ...(n === 1 && defaultOwner
        ? { initial: defaultOwner.externalId, initialLabel: defaultOwner.displayName ?? defaultOwner.externalId }
        : {}),
    },
    { id: `action${n}Due`, label: `Due date of action ${n}`, kind: 'date' as const, required: n === 1 },
  ]);
  return {
    type: INCIDENT_FORMS.resolve,
    title: `Resolve INC-${incident.number}`,
    submitLabel: 'Resolve',
    fields: [{ id: 'rootCause', label: 'Root cause', kind: 'longText', required: true, maxLength: 2000 }, ...slots],
    context: { incident: String(incident.number) },
  };
}

/** The filled action slots, in the resolve schema's shape; owners resolved to person ids by the caller. */
export async function resolveInputFrom(
  values: FormValues,
  personIdOf: (externalId: string) => Promise<number | undefined> | number | undefined,
): Promise<Record<string, unknown>> {
  const actions = [];
  for (let n = 1; n <= ACTION_SLOTS; n++) {
    const title = values[`action${n}Title`];
    const owner = values[`action${n}Owner`];
    const due = values[`action${n}Due`];
    if (n > 1 && !title?.trim() && !owner && !due) continue;
    actions.push({ title, ownerPersonId: owner ? await personIdOf(owner) : undefined, dueDate: due });
  }
  return { rootCause: values.rootCause, actions };
}

export function commentForm(incident: Incident): FormView {
  return {
    type: INCIDENT_FORMS.comment,
    title: `Comment on INC-${incident.number}`,
    submitLabel: 'Add comment',
    fields: [{ id: 'comment', label: 'Comment', kind: 'longText', required: true, maxLength: 1000 }],
    context: { incident: String(incident.number) },
  };
}

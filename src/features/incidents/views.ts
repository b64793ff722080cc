import { personLabel, type Person } from '../../core/identity.ts';
import {
  INCIDENT_TYPE_LABELS,
  incidentKey,
  SEVERITY_LABELS,
  transitionsFrom,
  type CorrectiveAction,
  type Incident,
  type IncidentEvent,
} from './domain.ts';
import { INCIDENT_ACTIONS } from './forms.ts';
import type { IncidentDetails } from './service.ts';
import type { ButtonView } from '../../chat/views/form.ts';
import { formatDate, formatInstant } from '../../chat/views/format-time.ts';
import { pagedFooter } from '../../chat/views/paged-footer.ts';
import { mentionSpan, type Block, type MessageView, type RichText, type Span, type Tone } from '../../chat/views/view.ts';

const TIMELINE_SHOWN = 6;

const STATUS_LABELS: Record<Incident['status'], string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** How bad, at a glance: red for S1 and S2, amber for S3, blue for S4. */
export const SEVERITY_TONE: Record<Incident['severity'], Tone> = { S1: 'attention', S2: 'attention', S3: 'warning', S4: 'accent' };
/** Where it stands: red while nobody has it, amber while it is handled, green once resolved. */
export const STATUS_TONE: Record<Incident['status'], Tone> = {
  open: 'attention',
  acknowledged: 'warning',
  mitigated: 'warning',
  resolved: 'good',
  closed: 'good',
};

export const severitySpan = (severity: Incident['severity'], text: string = SEVERITY_LABELS[severity]): Span => ({
  text,
  tone: SEVERITY_TONE[severity],
});
export const statusSpan = (status: Incident['status']): Span => ({ text: STATUS_LABELS[status], tone: STATUS_TONE[status] });

const EVENT_TEXT: Record<IncidentEvent['kind'], string> = {
  reported: 'reported it',
  acknowledged: 'acknowledged',
  mitigated: 'mitigated',
  resolved: 'resolved',
  closed: 'closed',
  reopened: 'reopened',
  comment: 'commented',
  'owner-changed': 'made the owner',
};

const who = (people: Map<number, Person>, id: number | null): string => {
  if (id === null) return 'nobody yet';
  const person = people.get(id);
  return person ? personLabel(person) : `person #${id}`;
};

/** The owner, @mentioned while the incident still asks something of them. */
function ownerValue(people: Map<number, Person>, incident: Incident): RichText {
  const person = incident.ownerPersonId === null ? undefined : people.get(incident.ownerPersonId);
  if (!person || incident.status === 'closed') return who(people, incident.ownerPersonId);
  return [mentionSpan(person.externalId, personLabel(person))];
}

export function systemNameOf(details: Pick<IncidentDetails, 'incident' | 'system'>): string {
  return details.system?.name ?? `${details.incident.systemName ?? 'unknown'} (not in the inventory)`;
}

function buttons(incident: Incident): ButtonView[] {
  const args = { incident: String(incident.number) };
  const labels = { acknowledge: 'Acknowledge', mitigate: 'Mitigated', resolve: 'Resolve…', close: 'Close', reopen: 'Reopen' } as const;
  const out: ButtonView[] = transitionsFrom(incident.status).map((transition) => ({
    label: labels[transition],
    action: INCIDENT_ACTIONS[transition],
    args,
    ...(transition === 'acknowledge' || transition === 'resolve' ? { style: 'primary' as const, opensForm: true } : {}),
  }));
  out.push({ label: 'Comment…', action: INCIDENT_ACTIONS.comment, args, opensForm: true });
  return out;
}

/** An incident as a card: what, how bad, who, where it stands, the follow-up, a short timeline, and its buttons. */
export function incidentCardView(details: IncidentDetails, timeZone: string, note?: string): MessageView {
  const { incident, events, actions, people } = details;
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'text', text: note });
  blocks.push(
    { type: 'header', text: `${incidentKey(incident)} · ${incident.title}` },
    {
      type: 'fields',
      fields: [
        { label: 'Severity', value: [severitySpan(incident.severity)] },
        { label: 'Status', value: [statusSpan(incident.status)] },
        { label: 'AI system', value: systemNameOf(details) },
        { label: 'Type', value: INCIDENT_TYPE_LABELS[incident.type] },
        { label: 'Owner', value: ownerValue(people, incident) },
        ...(incident.responderPersonId ? [{ label: 'Responder', value: who(people, incident.responderPersonId) }] : []),
        { label: 'Reported by', value: who(people, incident.reporterPersonId) },
        { label: 'Detected', value: formatInstant(incident.detectedAt, timeZone) },
        { label: 'Affected', value: incident.affected },
      ],
    },
    { type: 'text', text: incident.description },
  );
  if (incident.rootCause) blocks.push({ type: 'text', text: [{ text: 'Root cause: ', style: 'bold' }, { text: incident.rootCause }] });
  if (actions.length > 0) {
    blocks.push({ type: 'text', text: [{ text: 'Corrective actions', style: 'bold' }] });
    blocks.push({ type: 'list', items: actions.map((action) => actionLine(action, people)) });
  }
  // The timeline as a compact list: one line per event (when, who, what), the latest few.
  const shown = events.slice(-TIMELINE_SHOWN);
  blocks.push({ type: 'text', text: [{ text: 'Timeline', style: 'bold' }] });
  blocks.push({
    type: 'list',
    items: [
      ...(events.length > shown.length
        ? [[{ text: `${events.length - shown.length} earlier events not shown`, style: 'muted' as const }]]
        : []),
      ...shown.map((event) => timelineEntry(event, people, timeZone)),
    ],
  });
  blocks.push({ type: 'actions', buttons: buttons(incident) });
  return {
    summary: `${incidentKey(incident)} (${incident.severity}, ${incident.status}): ${incident.title}`,
    blocks,
    visibility: 'public',
  };
}

function timelineEntry(event: IncidentEvent, people: Map<number, Person>, timeZone: string): RichText {
  const head: Span[] = [
    { text: formatInstant(event.at, timeZone), style: 'muted' },
    { text: ' ' },
    { text: who(people, event.actorPersonId), style: 'bold' },
  ];
  if (event.kind === 'comment') return [...head, { text: `: “${(event.text ?? '').slice(0, 140)}”` }];
  if (event.kind === 'owner-changed') return [...head, { text: ` made ${event.text ?? 'someone'} the owner` }];
  return [...head, { text: ` ${EVENT_TEXT[event.kind]}` }];
}

export function actionLine(action: CorrectiveAction, people: Map<number, Person>): RichText {
  return [
    { text: action.status === 'done' ? '✓ ' : '☐ ' },
    { text: `#${action.id} ${action.title}`, ...(action.status === 'done' ? { style: 'muted' as const } : {}) },
    { text: ` · ${who(people, action.ownerPersonId)} · due ${formatDate(action.dueDate)}` },
  ];
}

/** A page of incidents, newest first, with how to see more. */
export function incidentListView(input: {
  items: Incident[];
  total: number;
  page: number;
  pageSize: number;
  filterLabel: string;
  nextPageCommand: string;
  systemNames: Map<number, string>;
}): MessageView {
  const { items, total, page, pageSize } = input;
  if (total === 0)
    return {
      summary: 'No incidents',
      blocks: [{ type: 'text', text: `No incidents${input.filterLabel ? ` (${input.filterLabel})` : ''}.` }],
      visibility: 'private',
    };
  return {
    summary: `${total} incidents`,
    blocks: [
      { type: 'header', text: `Incidents${input.filterLabel ? ` · ${input.filterLabel}` : ''}` },
      {
        type: 'list',
        items: items.map((incident) => [
          { text: incidentKey(incident), style: 'bold' },
          { text: ' ' },
          severitySpan(incident.severity, incident.severity),
          { text: ' · ' },
          statusSpan(incident.status),
          {
            text: ` · ${incident.title} · ${incident.aiSystemId ? (input.systemNames.get(incident.aiSystemId) ?? '') : (incident.systemName ?? '')}`,
          },
        ]),
        open: items.map((incident) => ({ label: 'Open', action: INCIDENT_ACTIONS.show, args: { incident: String(incident.number) } })),
      },
      pagedFooter({ total, page, pageSize, shown: items.length }, input.nextPageCommand),
    ],
    visibility: 'private',
  };
}

/** Corrective actions with a Done button for each open one (25 at most per message). */
export function actionListView(input: {
  items: CorrectiveAction[];
  total: number;
  people: Map<number, Person>;
  incidents: Map<number, number>;
  title: string;
}): MessageView {
  if (input.total === 0)
    return { summary: 'No corrective actions', blocks: [{ type: 'text', text: `${input.title}: none.` }], visibility: 'private' };
  const blocks: Block[] = [
    { type: 'header', text: input.title },
    {
      type: 'list',
      items: input.items.map((action) => [
        ...(actionLine(action, input.people) as Array<{ text: string }>),
        { text: action.incidentId ? ` · INC-${input.incidents.get(action.incidentId) ?? '?'}` : '' },
      ]),
      ...(input.total > input.items.length ? { more: input.total - input.items.length } : {}),
    },
  ];
  const open = input.items.filter((action) => action.status === 'open').slice(0, 25);
  if (open.length > 0)
    blocks.push({
      type: 'actions',
      buttons: open.map((action) => ({
        label: `Done #${action.id}`,
        action: INCIDENT_ACTIONS.actionDone,
        args: { action: String(action.id) },
      })),
    });
  return { summary: `${input.total} corrective actions`, blocks, visibility: 'private' };
}

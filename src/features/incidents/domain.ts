/** What the audit log calls the area's changes (a transition writes `incident.<its event>`, e.g. `incident.acknowledged`). */
export const INCIDENT_AUDIT = {
  reported: 'incident.reported',
  ownerChanged: 'incident.owner_changed',
  resolved: 'incident.resolved',
  commented: 'incident.commented',
  posted: 'incident.posted',
  actionCreated: 'corrective_action.created',
  actionDone: 'corrective_action.done',
  actionChecked: 'corrective_action.effectiveness_checked',
} as const;

/** Messages to a person about an incident: the reporter's own copy, kept up to date. */
export const INCIDENT_NOTICES = { yours: 'incident.yours' } as const;

export const SEVERITIES = ['S1', 'S2', 'S3', 'S4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, string> = {
  S1: 'S1 critical',
  S2: 'S2 major',
  S3: 'S3 moderate',
  S4: 'S4 minor',
};

export const SEVERITY_MEANINGS: Record<Severity, string> = {
  S1: 'Harm to people or the business now; stop or roll back',
  S2: 'Serious harm likely; fix within a day',
  S3: 'Limited harm; fix in the normal course',
  S4: 'Cosmetic or no harm; note and learn',
};

export const INCIDENT_TYPES = [
  'malfunction',
  'unexpected-behaviour',
  'model-drift',
  'bias-or-fairness-harm',
  'misuse',
  'data-issue',
  'security',
  'performance-degradation',
  'other',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const INCIDENT_TYPE_LABELS: Record<IncidentType, string> = {
  malfunction: 'Malfunction',
  'unexpected-behaviour': 'Unexpected behaviour',
  'model-drift': 'Model drift',
  'bias-or-fairness-harm': 'Bias or fairness harm',
  misuse: 'Misuse',
  'data-issue': 'Data issue',
  security: 'Security',
  'performance-degradation': 'Performance degradation',
  other: 'Other',
};

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'mitigated', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses in which an incident still needs work. */
export const ACTIVE_STATUSES: readonly IncidentStatus[] = ['open', 'acknowledged', 'mitigated'];

/** Where a card of the incident was posted, so it can be updated in place. Opaque to core. */
export interface IncidentPost {
  purpose: 'incidents' | 'leadership';
  channelId: string;
  messageId: string;
  reference?: unknown;
}

export interface Incident {
  id: number;
  workspaceId: number;
  number: number;
  aiSystemId: number | null;
  systemName: string | null;
  title: string;
  description: string;
  severity: Severity;
  type: IncidentType;
  detectedAt: string;
  affected: string;
  reporterPersonId: number;
  ownerPersonId: number | null;
  /** Who acknowledged it; the owner stays accountable. */
  responderPersonId: number | null;
  status: IncidentStatus;
  rootCause: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export type IncidentEventKind =
  'reported' | 'acknowledged' | 'mitigated' | 'resolved' | 'closed' | 'reopened' | 'comment' | 'owner-changed';

export interface IncidentEvent {
  id: number;
  incidentId: number;
  at: string;
  actorPersonId: number | null;
  kind: IncidentEventKind;
  text: string | null;
}

export interface CorrectiveAction {
  id: number;
  workspaceId: number;
  incidentId: number | null;
  reviewCompletionId: number | null;
  title: string;
  ownerPersonId: number;
  /** YYYY-MM-DD in the workspace time zone. */
  dueDate: string;
  status: 'open' | 'done';
  doneAt: string | null;
  createdAt: string;
  /** The nonconformity it corrects (internal-audits area), with the root cause found. */
  nonconformityId: number | null;
  rootCause: string | null;
  /** The last effectiveness check: by someone other than the owner, after the action was done. */
  checkResult: 'passed' | 'failed' | null;
  checkedByPersonId: number | null;
  checkedAt: string | null;
  checkNote: string | null;
}

export function incidentKey(incident: Pick<Incident, 'number'>): string {
  return `INC-${incident.number}`;
}

export type Transition = 'acknowledge' | 'mitigate' | 'resolve' | 'close' | 'reopen';

/** The lifecycle: from which statuses each transition may start, and where it leads. */
export const TRANSITIONS: Record<
  Transition,
  { from: readonly IncidentStatus[]; to: IncidentStatus; anyone: boolean; event: IncidentEventKind }
> = {
  acknowledge: { from: ['open'], to: 'acknowledged', anyone: true, event: 'acknowledged' },
  mitigate: { from: ['acknowledged'], to: 'mitigated', anyone: false, event: 'mitigated' },
  resolve: { from: ['acknowledged', 'mitigated'], to: 'resolved', anyone: false, event: 'resolved' },
  close: { from: ['resolved'], to: 'closed', anyone: false, event: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'open', anyone: false, event: 'reopened' },
};

/** The transitions a card offers in a status. */
export function transitionsFrom(status: IncidentStatus): Transition[] {
  return (Object.keys(TRANSITIONS) as Transition[]).filter((name) => TRANSITIONS[name].from.includes(status));
}

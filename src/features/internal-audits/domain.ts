/** What the audit log calls the area's changes. */
export const INTERNAL_AUDIT_AUDIT = {
  planned: 'internal_audit.planned',
  completed: 'internal_audit.completed',
  finding: 'internal_audit.finding_logged',
  ncLogged: 'nonconformity.logged',
  ncActionRaised: 'nonconformity.action_raised',
  ncChecked: 'nonconformity.checked',
  ncClosed: 'nonconformity.closed',
} as const;

/** Messages to a person about a nonconformity: its corrective action is theirs; its effectiveness check is due. */
export const NONCONFORMITY_NOTICES = {
  actionAssigned: 'nonconformity.action',
  checkDue: 'nonconformity.check',
  owner: 'nonconformity.owner',
} as const;

/** The areas of the management system an audit may take in scope (each names the records whose owners it excludes). */
export const AUDIT_AREAS = [
  'ai-systems',
  'risks',
  'incidents',
  'releases',
  'training',
  'reviews',
  'impact',
  'soa',
  'policies',
  'objectives',
] as const;
export type AuditArea = (typeof AUDIT_AREAS)[number];

export const AUDIT_AREA_LABELS: Record<AuditArea, string> = {
  'ai-systems': 'AI system inventory',
  risks: 'Risk register',
  incidents: 'Incidents and corrective actions',
  releases: 'Releases and sign-off',
  training: 'Training and awareness',
  reviews: 'Reviews',
  impact: 'Impact assessments',
  soa: 'Statement of Applicability',
  policies: 'Policies',
  objectives: 'Objectives',
};

export const FINDING_KINDS = ['major-nc', 'minor-nc', 'observation', 'ofi'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_LABELS: Record<FindingKind, string> = {
  'major-nc': 'Major nonconformity',
  'minor-nc': 'Minor nonconformity',
  observation: 'Observation',
  ofi: 'Opportunity for improvement',
};

/** The grade of a nonconformity a finding of this kind raises (observations and opportunities raise none). */
export const NC_GRADE_OF: Partial<Record<FindingKind, NonconformityGrade>> = { 'major-nc': 'major', 'minor-nc': 'minor' };

export type AuditStatus = 'planned' | 'in-progress' | 'completed';

/** One entry of the internal audit programme (9.2.2): its scope, dates and auditors. */
export interface InternalAudit {
  id: number;
  workspaceId: number;
  number: number;
  title: string;
  /** Clause ids of annex-a.json ("9.2"). */
  clauses: string[];
  /** Annex A control ids ("A.6.2.6"). */
  controls: string[];
  systemIds: number[];
  areas: AuditArea[];
  /** YYYY-MM-DD. */
  plannedStart: string;
  plannedEnd: string;
  leadAuditorPersonId: number;
  auditorPersonIds: number[];
  status: AuditStatus;
  createdByPersonId: number;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** What an auditor found, logged during the audit: tied to a clause or control, and where it applies to a record. */
export interface AuditFinding {
  id: number;
  workspaceId: number;
  auditId: number;
  /** F1, F2 ... within its audit. */
  number: number;
  kind: FindingKind;
  /** A clause ("9.2") or an Annex A control ("A.6.2.6") of annex-a.json. */
  clause: string;
  description: string;
  /** The record it concerns, as people name it ("R-3", "INC-4"), when there is one. */
  recordRef: string | null;
  createdByPersonId: number;
  createdAt: string;
}

export type NonconformitySource = 'audit' | 'objective';
export type NonconformityGrade = 'major' | 'minor';
/** open: no corrective action yet; action: one is raised (open or done, its check not passed); closed: the check passed. */
export type NonconformityStatus = 'open' | 'action' | 'closed';

/** A nonconformity (10.2): where it came from, what requirement it misses, and how it is followed to an effective correction. */
export interface Nonconformity {
  id: number;
  workspaceId: number;
  number: number;
  source: NonconformitySource;
  /** "AUD-2" or "OBJ-2". */
  sourceRef: string;
  auditId: number | null;
  findingId: number | null;
  clause: string;
  grade: NonconformityGrade;
  description: string;
  /** Who answers for it: raises the corrective action. */
  ownerPersonId: number;
  raisedByPersonId: number;
  status: NonconformityStatus;
  correctiveActionId: number | null;
  /** Who is asked to check the action's effectiveness once it is done (never the action's owner). */
  checkerPersonId: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** Where a nonconformity stands, with its corrective action's state. */
export type NonconformityStage = 'needs-action' | 'action-open' | 'check-due' | 'closed';

export function stageOf(nc: Pick<Nonconformity, 'status'>, action: { status: 'open' | 'done' } | undefined): NonconformityStage {
  if (nc.status === 'closed') return 'closed';
  if (!action) return 'needs-action';
  return action.status === 'done' ? 'check-due' : 'action-open';
}

export const STAGE_LABELS: Record<NonconformityStage, string> = {
  'needs-action': 'Awaiting a corrective action',
  'action-open': 'Corrective action open',
  'check-due': 'Effectiveness check due',
  closed: 'Closed (effective)',
};

export const auditKey = (audit: Pick<InternalAudit, 'number'>) => `AUD-${audit.number}`;
export const ncKey = (nc: Pick<Nonconformity, 'number'>) => `NC-${nc.number}`;
export const findingKey = (finding: Pick<AuditFinding, 'number'>) => `F${finding.number}`;

/** Parses "AUD-2", "aud2" or "aud 2". */
export function parseAuditRef(ref: string | undefined): number | undefined {
  const match = /^aud[-\s]?(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

/** Parses "NC-3", "nc3" or "nc 3". */
export function parseNcRef(ref: string | undefined): number | undefined {
  const match = /^nc[-\s]?(\d+)$/i.exec((ref ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

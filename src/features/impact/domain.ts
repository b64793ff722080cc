/** What the audit log calls the area's changes. */
export const IMPACT_AUDIT = {
  submitted: 'impact.submitted',
  signed: 'impact.signed',
  superseded: 'impact.superseded',
  posted: 'impact.posted',
} as const;

/** Days after an assessment becomes required that it falls due (nudges start 3 days before; past it, it is overdue). */
export const IMPACT_DUE_AFTER_DAYS = 14;

/** Release change types after which a system needs a fresh, signed impact assessment. */
export const IMPACT_CHANGE_TYPES: readonly string[] = ['new-training-data', 'code-or-architecture'];

export type ImpactStatus = 'pending' | 'signed' | 'superseded';

/** One harm the assessment foresees, with its severity and likelihood (1-5 each). */
export interface Harm {
  description: string;
  severity: number;
  likelihood: number;
}

/** A mitigation, with the risks of the register it answers ("R-3"), kept as text references. */
export interface Mitigation {
  text: string;
  riskRefs: string[];
}

/** An AI system impact assessment (ISO/IEC 42001 6.1.4, 8.4, A.5.2-A.5.5): one version of it for one system. */
export interface ImpactAssessment {
  id: number;
  workspaceId: number;
  aiSystemId: number;
  /** 1, 2, 3 ... per system: a new assessment of the same system supersedes the earlier ones. */
  version: number;
  authorPersonId: number;
  intendedUse: string;
  foreseeableMisuse: string;
  affected: string;
  societalImpact: string;
  harms: Harm[];
  mitigations: Mitigation[];
  humanOversight: string;
  status: ImpactStatus;
  contentHash: string;
  signedByPersonId: number | null;
  signedAt: string | null;
  supersededById: number | null;
  createdAt: string;
  updatedAt: string;
}

export const impactKey = (assessment: Pick<ImpactAssessment, 'id'>) => `IA-${assessment.id}`;

export const IMPACT_STATUS_LABELS: Record<ImpactStatus, string> = {
  pending: 'Awaiting sign-off',
  signed: 'Signed',
  superseded: 'Superseded',
};

/** What a level of 1-5 means, for severity and for likelihood. */
export const SEVERITY_LABELS = ['', 'negligible', 'minor', 'moderate', 'major', 'severe'] as const;
export const LIKELIHOOD_LABELS = ['', 'rare', 'unlikely', 'possible', 'likely', 'almost certain'] as const;

/** Why a system needs an impact assessment now, or nothing. */
export type ImpactReason = { kind: 'production' } | { kind: 'high-risk' } | { kind: 'release'; releaseId: number; changeType: string };

export function reasonText(reason: ImpactReason): string {
  if (reason.kind === 'production') return 'in production';
  if (reason.kind === 'high-risk') return 'EU AI Act high risk';
  return `REL-${reason.releaseId} (${reason.changeType.replace(/-/g, ' ')})`;
}

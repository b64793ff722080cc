/** The audit events of the area. */
export const RISK_AUDIT = {
  added: 'risk.added',
  edited: 'risk.edited',
  accepted: 'risk.accepted',
  acceptanceGiven: 'risk.acceptance_given',
  acceptancesDropped: 'risk.acceptances_dropped',
  posted: 'risk.posted',
  actionCreated: 'risk_action.created',
  actionDone: 'risk_action.done',
  levelsSet: 'risk.levels_set',
  reviewed: 'risk.reviewed',
  closed: 'risk.closed',
  reopened: 'risk.reopened',
} as const;

/** The direct messages the area queues. */
export const RISK_NOTICES = {
  /** To those whose acceptance a material change dropped. */
  acceptanceDropped: 'risk.acceptance-dropped',
  /** To the owner: their acceptance is asked. */
  acceptanceAsked: 'risk.acceptance-asked',
} as const;

export const CATEGORIES = [
  'fairness',
  'transparency',
  'privacy',
  'safety',
  'security',
  'robustness',
  'accountability',
  'data-quality',
  'third-party',
  'environmental',
  'other',
] as const;
export type RiskCategory = (typeof CATEGORIES)[number];
export const CATEGORY_LABELS: Record<RiskCategory, string> = {
  fairness: 'Fairness',
  transparency: 'Transparency',
  privacy: 'Privacy',
  safety: 'Safety',
  security: 'Security',
  robustness: 'Robustness',
  accountability: 'Accountability',
  'data-quality': 'Data quality',
  'third-party': 'Third party',
  environmental: 'Environmental',
  other: 'Other',
};

export const PHASES = ['inception', 'design', 'development', 'verification', 'deployment', 'operation', 'retirement'] as const;
export type LifecyclePhase = (typeof PHASES)[number];
export const PHASE_LABELS: Record<LifecyclePhase, string> = {
  inception: 'Inception',
  design: 'Design',
  development: 'Development',
  verification: 'Verification and validation',
  deployment: 'Deployment',
  operation: 'Operation and monitoring',
  retirement: 'Retirement',
};

export const TREATMENTS = ['mitigate', 'accept', 'avoid', 'transfer'] as const;
export type Treatment = (typeof TREATMENTS)[number];
export const TREATMENT_LABELS: Record<Treatment, string> = {
  mitigate: 'Mitigate',
  accept: 'Accept',
  avoid: 'Avoid',
  transfer: 'Transfer',
};

/** What each level of the 1-5 scales means, shown in the form next to the number. */
export const LIKELIHOOD_MEANINGS: Record<number, string> = {
  1: 'Rare: not expected in the system’s life',
  2: 'Unlikely: could happen once in several years',
  3: 'Possible: about once a year',
  4: 'Likely: several times a year',
  5: 'Almost certain: monthly or more',
};
export const IMPACT_MEANINGS: Record<number, string> = {
  1: 'Negligible: no noticeable harm',
  2: 'Minor: small harm, easily put right',
  3: 'Moderate: real harm to some people, recoverable',
  4: 'Major: serious harm to people or rights, hard to undo',
  5: 'Severe: lasting harm to many, or to life or liberty',
};
export const SCALE = [1, 2, 3, 4, 5] as const;

export const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof LEVELS)[number];
export const LEVEL_LABELS: Record<RiskLevel, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/** Where the levels start on the 5x5 matrix (likelihood x impact, 1..25). */
export interface LevelThresholds {
  mediumFrom: number;
  highFrom: number;
  criticalFrom: number;
}
/** The default when a workspace set none: 1-4 low, 5-9 medium, 10-19 high, 20-25 critical. */
export const DEFAULT_THRESHOLDS: LevelThresholds = { mediumFrom: 5, highFrom: 10, criticalFrom: 20 };

export function levelOf(likelihood: number, impact: number, t: LevelThresholds): RiskLevel {
  const score = likelihood * impact;
  return score >= t.criticalFrom ? 'critical' : score >= t.highFrom ? 'high' : score >= t.mediumFrom ? 'medium' : 'low';
}

/** A residual level that needs acceptance by the owner and approvers. */
export const needsAcceptance = (level: RiskLevel) => level === 'high' || level === 'critical';

export const REVIEW_CADENCES = [30, 90, 180, 365] as const;

export type RiskStatus = 'open' | 'closed';
/** Where the residual-risk acceptance stands: not needed (low/medium), asked, or given by all it needs. */
export type AcceptanceState = 'not-needed' | 'pending' | 'accepted';

export interface Risk {
  id: number;
  workspaceId: number;
  number: number;
  title: string;
  description: string;
  /** The AI systems it concerns; empty: organisation-wide. */
  systemIds: number[];
  category: RiskCategory;
  phase: LifecyclePhase;
  ownerPersonId: number;
  inherentLikelihood: number;
  inherentImpact: number;
  inherentLevel: RiskLevel;
  treatment: Treatment;
  plan: string;
  /** Annex A control ids that treat it ("A.6.2.6"). */
  controls: string[];
  residualLikelihood: number;
  residualImpact: number;
  residualLevel: RiskLevel;
  acceptanceRationale: string | null;
  reviewEveryDays: number;
  /** YYYY-MM-DD. */
  nextReviewDate: string;
  status: RiskStatus;
  acceptance: AcceptanceState;
  approvalsNeeded: number;
  /** sha256 of the content an acceptance is given for. */
  contentHash: string;
  lastEditorPersonId: number;
  createdAt: string;
  updatedAt: string;
  acceptedAt: string | null;
}

export interface RiskAction {
  id: number;
  workspaceId: number;
  riskId: number;
  title: string;
  ownerPersonId: number;
  dueDate: string;
  status: 'open' | 'done';
  doneAt: string | null;
  createdAt: string;
}

export interface RiskDecision {
  id: number;
  riskId: number;
  personId: number;
  /** The owner's acceptance, or an approver's. */
  role: 'owner' | 'approver';
  decision: 'accept';
  contentHash: string;
  at: string;
  active: boolean;
}

export const riskKey = (risk: Pick<Risk, 'number'>) => `R-${risk.number}`;

/** The fields whose change is material: the acceptances given are dropped and asked again. */
export const MATERIAL_FIELDS = [
  'inherentLikelihood',
  'inherentImpact',
  'residualLikelihood',
  'residualImpact',
  'treatment',
  'plan',
  'systemIds',
  'acceptanceRationale',
] as const;

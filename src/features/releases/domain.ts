/** The audit events of the area (the audit chain's verifier replays them by these names). */
export const RELEASE_AUDIT = {
  requested: 'release.requested',
  edited: 'release.edited',
  approvalGiven: 'release.approval_given',
  rejectionGiven: 'release.rejection_given',
  approved: 'release.approved',
  rejected: 'release.rejected',
  withdrawn: 'release.withdrawn',
  posted: 'release.posted',
  criterionAdded: 'criterion.added',
  criterionRemoved: 'criterion.removed',
} as const;

/** The direct messages the area queues (the outbox's release publisher writes them). */
export const RELEASE_NOTICES = {
  decided: 'release.decided',
  approvalDropped: 'release.approval-dropped',
  /** The requester's own copy of the request, kept up to date. */
  yours: 'release.yours',
} as const;

export const CHANGE_TYPES = ['retrain', 'new-training-data', 'code-or-architecture', 'configuration-or-threshold', 'rollback'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const CHANGE_TYPE_LABELS: Record<ChangeType, string> = {
  retrain: 'Retrain',
  'new-training-data': 'New training data',
  'code-or-architecture': 'Code or architecture',
  'configuration-or-threshold': 'Configuration or threshold',
  rollback: 'Rollback',
};

export type Comparison = '>=' | '<=';

/** A testable requirement on a model: "accuracy >= 0.92 on holdout-2026". */
export interface AcceptanceCriterion {
  id: number;
  workspaceId: number;
  aiSystemId: number;
  metric: string;
  comparison: Comparison;
  threshold: number;
  dataset: string;
  /** Bounds declared with the criterion; both null: the default domain of the metric's name. */
  minValue: number | null;
  maxValue: number | null;
  createdAt: string;
}

/** The values a measurement may take: null bounds are open. */
export interface ValueDomain {
  min: number | null;
  max: number | null;
  /** How the domain reads to a person: "a rate in [0, 1]". */
  label: string;
}

// Metric names are read as words ("roc_auc", "f1-macro", "latency_p95"): any of these words decides the domain.
const RATE_WORDS = new Set([
  'recall',
  'precision',
  'accuracy',
  'acc',
  'f1',
  'f2',
  'fbeta',
  'fscore',
  'auc',
  'auroc',
  'auprc',
  'roc',
  'specificity',
  'sensitivity',
  'tpr',
  'fpr',
  'tnr',
  'fnr',
  'ppv',
  'npv',
  'iou',
  'jaccard',
  'dice',
  'ndcg',
  'map',
  'mrr',
  'rate',
  'coverage',
]);
const DURATION_WORDS = new Set([
  'latency',
  'duration',
  'time',
  'runtime',
  'ms',
  'millis',
  'milliseconds',
  'sec',
  'secs',
  'seconds',
  'minutes',
  'hours',
  'ttft',
]);

/** The domain a metric has by its name alone: rates in [0, 1], latencies and durations >= 0, else any number. */
export function defaultDomain(metric: string): ValueDomain | undefined {
  const words = metric
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((word) => RATE_WORDS.has(word) || /^f\d$/.test(word))) return { min: 0, max: 1, label: 'a rate in [0, 1]' };
  if (words.some((word) => DURATION_WORDS.has(word))) return { min: 0, max: null, label: 'a duration, at least 0' };
  return undefined;
}

/** The domain of a criterion: its declared bounds, or the default of its metric's name. */
export function domainOf(criterion: Pick<AcceptanceCriterion, 'metric' | 'minValue' | 'maxValue'>): ValueDomain | undefined {
  if (criterion.minValue !== null || criterion.maxValue !== null) {
    return { min: criterion.minValue, max: criterion.maxValue, label: `in [${criterion.minValue ?? '-∞'}, ${criterion.maxValue ?? '∞'}]` };
  }
  return defaultDomain(criterion.metric);
}

/** Whether a value lies in a domain (no domain: any finite number). */
export function inDomain(value: number, domain: ValueDomain | undefined): boolean {
  if (!domain) return true;
  return (domain.min === null || value >= domain.min) && (domain.max === null || value <= domain.max);
}

export type ReleaseStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

/** A measured value next to its criterion (none for an extra metric), and whether it passes. */
export interface ReleaseMetric {
  metric: string;
  dataset: string | null;
  comparison: Comparison | null;
  threshold: number | null;
  measured: number;
  passed: boolean | null;
}

export interface Release {
  id: number;
  workspaceId: number;
  aiSystemId: number;
  version: string;
  versionKey: string;
  changeType: ChangeType;
  whatChanged: string;
  evaluationLink: string | null;
  risks: string;
  justification: string | null;
  approvalsNeeded: number;
  requesterPersonId: number;
  status: ReleaseStatus;
  contentHash: string;
  createdAt: string;
  updatedAt: string;
  decidedAt: string | null;
}

export interface ReleaseDecision {
  id: number;
  releaseId: number;
  personId: number;
  decision: 'approve' | 'reject';
  comment: string | null;
  contentHash: string;
  at: string;
  active: boolean;
}

export function releaseKey(release: Pick<Release, 'id'>): string {
  return `REL-${release.id}`;
}

/** Whether a measured value meets its criterion. */
export function meets(measured: number, comparison: Comparison, threshold: number): boolean {
  return comparison === '>=' ? measured >= threshold : measured <= threshold;
}

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
  createdAt: string;
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
  posts: Array<{ channelId: string; messageId: string; reference?: unknown }>;
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

import { GRANTABLE_ROLES, type GrantableRole } from '../../core/roles.ts';

/** The audit events of the area. */
export const POLICY_AUDIT = {
  added: 'policy.added',
  versionAdded: 'policy_version.added',
  approvalGiven: 'policy_version.approval_given',
  approved: 'policy_version.approved',
  published: 'policy_version.published',
  superseded: 'policy_version.superseded',
  posted: 'policy_version.posted',
  acknowledged: 'policy.acknowledged',
  reviewScheduled: 'policy.review_scheduled',
} as const;

/** The direct messages the area queues. */
export const POLICY_NOTICES = {
  /** To each person who must acknowledge a published version. */
  acknowledge: 'policy.acknowledge',
  /** The author's own copy of what they added (the card their form became), kept up to date. */
  yours: 'policy.yours',
} as const;

/** The outbox subject types: a version's card in the approvals channel, and one person's acknowledgement DM. */
export const POLICY_SUBJECTS = { version: 'policy-version', ack: 'policy-ack' } as const;

/** Who must acknowledge a version: everyone the bot knows in the workspace, or the holders of these roles. */
export type Audience = 'everyone' | GrantableRole[];
export const AUDIENCE_ROLES: readonly GrantableRole[] = GRANTABLE_ROLES;

export const MAX_POLICY_TEXT = 3000;

/** Where a version stands: awaiting approval, approved (not yet out), published (the current one), superseded by a later one. */
export type VersionStatus = 'pending' | 'approved' | 'published' | 'superseded';

export interface Policy {
  id: number;
  workspaceId: number;
  number: number;
  name: string;
  nameKey: string;
  ownerPersonId: number;
  /** The "AI policy review" schedule (reviews area) that keeps it under review, once published. */
  reviewScheduleId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyVersion {
  id: number;
  workspaceId: number;
  policyId: number;
  version: number;
  title: string;
  /** YYYY-MM-DD */
  effectiveDate: string;
  link: string | null;
  text: string | null;
  changes: string;
  audience: Audience;
  status: VersionStatus;
  approvalsNeeded: number;
  /** sha256 of the content approvals and acknowledgements are given for. */
  contentHash: string;
  authorPersonId: number;
  createdAt: string;
  approvedAt: string | null;
  publishedAt: string | null;
  publishedBy: number | null;
}

export interface PolicyApproval {
  id: number;
  versionId: number;
  personId: number;
  decision: 'approve';
  contentHash: string;
  at: string;
  active: boolean;
}

/** One person asked to acknowledge one version: pending until they click, then the hash they acknowledged. */
export interface PolicyAcknowledgement {
  id: number;
  workspaceId: number;
  versionId: number;
  personId: number;
  status: 'pending' | 'acknowledged';
  contentHash: string;
  askedAt: string;
  acknowledgedAt: string | null;
}

export const policyKey = (policy: Pick<Policy, 'number'>) => `POL-${policy.number}`;
export const versionLabel = (version: Pick<PolicyVersion, 'version'>) => `v${version.version}`;

export const audienceLabel = (audience: Audience) => (audience === 'everyone' ? 'everyone' : audience.join(', '));

/** The share acknowledged, as status and the digest show it: "2 of 3 (67%)". */
export function shareLabel(acknowledged: number, asked: number): string {
  return asked === 0 ? 'nobody asked' : `${acknowledged} of ${asked} (${Math.round((acknowledged * 100) / asked)}%)`;
}

/** The default cadence of the AI policy review a first publication schedules (A.2.4: reviewed at planned intervals). */
export const POLICY_REVIEW_DAYS = 365;

/** What a state change tells the audit chain; the store adds sequence, time and hashes. */
export interface AuditEventInput {
  workspaceId: number | null;
  /** Person id of the actor, or null when the system acted (seeding, jobs). */
  actorPersonId: number | null;
  /** Human-readable actor for auditors, e.g. "slack:U123" or "system:AIMS_ADMINS". */
  actor: string;
  /** Dotted verb, e.g. "workspace.created", "role.granted". */
  action: string;
  /** What was changed, e.g. "person:12". */
  subject: string;
  before: unknown;
  after: unknown;
}

export interface AuditHead {
  sequence: number;
  hash: string;
}

export type AuditVerification =
  { ok: true; events: number; head: AuditHead | null } | { ok: false; events: number; firstBadSequence: number; reason: string };

/** `aims release status`: the decision as the decisions and the audit chain make it. */
export interface ReleaseGate {
  id: number;
  system: string;
  version: string;
  approvals: number;
  needed: number;
  /** "failed": a check did not hold (named in failedCheck), so the release must not ship. */
  verdict: 'approved' | 'pending' | 'rejected' | 'withdrawn' | 'failed';
  failedCheck?: string;
  detail?: string;
}

/** A state table that disagrees with the chain, named by its record (e.g. "REL-3"). */
export interface ChainDisagreement {
  record: string;
  message: string;
}

/** A head someone published (the digest, the daily anchor): where and when. */
export interface PublishedAnchor {
  id: number;
  workspaceId: number;
  sequence: number;
  hash: string;
  channelId: string;
  channelName: string | null;
  messageId: string | null;
  /** What carried it, e.g. "digest 2026-W48" or "anchor 2026-11-23". */
  source: string;
  publishedAt: string;
}

/** A head to check the chain against, with a label saying where it came from. */
export interface ExpectedHead extends AuditHead {
  from: string;
}

/** Where the chain does not hold the event an expected head names. */
export interface AnchorMismatch {
  sequence: number;
  from: string;
  reason: string;
}

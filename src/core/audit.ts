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

/**
 * Which hash chain an event belongs to (the `chain` column): each workspace's events form their own
 * chain, keyed by the workspace id; events of no workspace form the system chain (0). Stores written
 * before chains were per workspace keep their one global chain as the legacy chain (-1), frozen at the
 * cut-over; every chain started after it begins with a genesis event naming the legacy head.
 */
export const LEGACY_CHAIN = -1;
export const SYSTEM_CHAIN = 0;
/** The action of a chain's genesis event (sequence 1 of a chain that continues the legacy chain). */
export const CHAIN_STARTED = 'audit.chain_started';

export const chainOf = (workspaceId: number | null): number => workspaceId ?? SYSTEM_CHAIN;

/** One chain's verification, named: "chain of workspace slack:T123", "system chain", "global chain (before per-workspace chains)". */
export type ChainVerification = AuditVerification & { chain: number; label: string };

/** Every chain of the store (or the one asked for), verified. `ok` when all are. */
export interface ChainsVerification {
  ok: boolean;
  /** Events verified across the chains. */
  events: number;
  chains: ChainVerification[];
}

/** A chain's head as `aims audit head` lists it. */
export interface NamedChainHead {
  chain: number;
  label: string;
  head: AuditHead | null;
}

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
  /** The chain the head is of: the workspace's own (its id), or LEGACY_CHAIN for heads published before the cut-over. */
  chain: number;
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
  /** The chain the head is of; unset: whichever chain holds an event with that hash (hashes are unique across chains). */
  chain?: number;
}

/** Where the chain does not hold the event an expected head names. */
export interface AnchorMismatch {
  /** The chain checked, when the head named one. */
  chain?: number;
  sequence: number;
  from: string;
  reason: string;
}

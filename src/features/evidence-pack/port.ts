/** One stored row of the audit chain, as the evidence pack reads it. */
export interface AuditChainRow {
  sequence: number;
  at: string;
  workspaceId: number | null;
  action: string;
  subject: string;
  payload: string;
  previousHash: string;
  hash: string;
}

/** Reads the chain for the evidence pack: page by page, so a long chain never sits in memory. */
export interface AuditSegmentRepository {
  /** The first and last sequence of the workspace's chain among its events stamped in [from, to), or undefined when there are none. */
  bounds(workspaceId: number, period: { from: string; to: string }): Promise<{ first: number; last: number } | undefined>;
  /** Up to `limit` rows of the workspace's chain with `after` < sequence <= `last`, in order. */
  page(workspaceId: number, after: number, last: number, limit: number): Promise<AuditChainRow[]>;
  /** The head of the workspace's chain, whenever it was written. */
  latest(workspaceId: number): Promise<{ sequence: number; hash: string } | undefined>;
  /** The first event of the workspace's chain (its genesis event on a store migrated from the global chain). */
  chainStart(workspaceId: number): Promise<AuditChainRow | undefined>;
  /** Up to `limit` of the workspace's events in the legacy (global) chain with sequence > `after`, in order. */
  legacyPage(workspaceId: number, after: number, limit: number): Promise<AuditChainRow[]>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    auditSegment: AuditSegmentRepository;
    packRequests: PackRequestRepository;
  }
}

/** Where a pack request is: asked, built (zip kept, audited), delivered; a Teams link then downloaded or expired; or failed. */
export type PackRequestState = 'pending' | 'built' | 'delivered' | 'downloaded' | 'expired' | 'failed';

/** One `/aims export`: what was asked, by whom, and how far its build and delivery got. */
export interface PackRequestRecord {
  id: number;
  workspaceId: number;
  personId: number;
  platform: 'slack' | 'teams';
  actor: string;
  periodFrom: string;
  periodTo: string;
  state: PackRequestState;
  openKey: string | null;
  createdAt: string;
  claimedBy: string | null;
  leaseUntil: string | null;
  nextAttemptAt: string | null;
  sends: number;
  /** Builds started; a build cut off by a crash stays counted. */
  attempts: number;
  filename: string | null;
  manifestSha256: string | null;
  packSha256: string | null;
  events: number | null;
  signed: boolean | null;
  linkId: string | null;
  linkKey: string | null;
  linkExpiresAt: string | null;
  deliveredAt: string | null;
  finishedAt: string | null;
  lastError: string | null;
  /** Why it failed (PackFailureCode), once failed. */
  failureCode: string | null;
}

export type PackRequestInput = Pick<
  PackRequestRecord,
  'workspaceId' | 'personId' | 'platform' | 'actor' | 'periodFrom' | 'periodTo' | 'openKey' | 'createdAt'
>;

/** What a build leaves on its request: the zip and its hashes. */
export interface BuiltFields {
  filename: string;
  zip: Buffer;
  manifestSha256: string;
  packSha256: string;
  events: number;
  signed: boolean;
}

/** The pack requests (evidence_pack_requests). Claims are conditional updates: one process wins each. */
export interface PackRequestRepository {
  /** A new request; undefined when an open one holds `openKey` already (a double click). */
  insert(input: PackRequestInput): Promise<PackRequestRecord | undefined>;
  findOpen(openKey: string): Promise<PackRequestRecord | undefined>;
  findById(id: number): Promise<PackRequestRecord | undefined>;
  /** The request of a download link, in its workspace. */
  findByLink(workspaceId: number, linkId: string): Promise<PackRequestRecord | undefined>;
  /** Requests to build or deliver (pending or built, unclaimed or lease past, due), oldest first. */
  due(now: string, limit: number): Promise<PackRequestRecord[]>;
  /** Takes a due request for `by` until `leaseUntil`; false when another process has it. */
  claim(id: number, by: string, now: string, leaseUntil: string): Promise<boolean>;
  /** A build starts under `by`'s claim of a pending request: its attempts counted first; false when the claim was lost. */
  startBuild(id: number, by: string): Promise<boolean>;
  /** Moves `by`'s lease on to `leaseUntil` while it works on the request; false when the claim was lost. */
  renew(id: number, by: string, leaseUntil: string): Promise<boolean>;
  /** pending -> built under `by`'s claim, keeping the zip; false when the claim was lost. */
  markBuilt(id: number, by: string, built: BuiltFields): Promise<boolean>;
  /** A delivery attempt starts under `by`'s claim (and the link is fixed, Teams); false when the claim was lost. */
  startSend(id: number, by: string, link?: { linkId: string; linkKey: string; linkExpiresAt: string }): Promise<boolean>;
  /** built -> delivered (the zip dropped when `dropZip`); the claim and the open key are released. */
  markDelivered(id: number, at: string, dropZip: boolean): Promise<void>;
  /** Back to the queue after a failed attempt, not before `nextAttemptAt`. */
  retryLater(id: number, by: string, error: string, nextAttemptAt: string): Promise<void>;
  /** Given up: failed with `code`, zip dropped, claim and open key released; false when it was already finished. */
  markFailed(id: number, code: string, error: string, at: string): Promise<boolean>;
  /** The zip of a request. */
  zipOf(id: number): Promise<Buffer | undefined>;
  /** A link's one download: built/delivered -> downloaded, zip dropped; the zip, or undefined when another download won. */
  takeDownload(id: number, at: string): Promise<Buffer | undefined>;
  /** Whether a delivered link past its expiry still holds its zip (a read: the cleanup writes only then). */
  anyExpired(nowMs: number): Promise<boolean>;
  /** Delivered links past their expiry: expired, zip dropped; how many. */
  expireLinks(nowMs: number, at: string): Promise<number>;
  /** Open requests claimed by some process, with who claimed them. */
  claimed(): Promise<Array<{ id: number; claimedBy: string }>>;
  /** Releases a claim if `by` still holds it; false otherwise. */
  release(id: number, by: string): Promise<boolean>;
}

import type { AuditEventInput, AuditHead, PublishedAnchor } from './audit.ts';
import type { JobDelivery, JobRun } from './scheduling/job-ledger.ts';
import type { OutboxInput, OutboxMessage, OutboxStatus } from './outbox/outbox.ts';
import type { WorkspaceSettings } from './settings/workspace-settings.ts';
import type { Person, Platform, Workspace } from './identity.ts';
import type { GrantableRole, RoleHolder } from './roles.ts';
import type { PostedCopy, PostedCopyInput } from './posted/posted-copy.ts';

export interface WorkspaceRepository {
  findByExternalId(platform: Platform, externalId: string): Promise<Workspace | undefined>;
  findById(id: number): Promise<Workspace | undefined>;
  all(): Promise<Workspace[]>;
  insert(input: { platform: Platform; externalId: string; name: string | null; createdAt: string }): Promise<Workspace>;
  rename(id: number, name: string): Promise<void>;
  /** The workspace whose record's copy was posted as this message, if any (an indexed lookup of posted_messages). */
  ownerOfPost(platform: Platform, channelId: string, messageId: string): Promise<Workspace | undefined>;
}

export interface PeopleRepository {
  find(workspaceId: number, externalId: string): Promise<Person | undefined>;
  findById(workspaceId: number, id: number): Promise<Person | undefined>;
  /** The people of `ids` that belong to the workspace, in one query (a batch of the nudge sweep). */
  findByIds(workspaceId: number, ids: readonly number[]): Promise<Person[]>;
  /** People of a workspace by name, for pickers. */
  list(workspaceId: number, limit: number): Promise<Person[]>;
  /** People whose name (or platform id) contains `query`, for pickers that search. */
  search(workspaceId: number, query: string, limit: number): Promise<Person[]>;
  insert(input: Omit<Person, 'id'>): Promise<Person>;
  rename(id: number, displayName: string): Promise<void>;
  setDirectReference(id: number, reference: unknown): Promise<void>;
  /** The person whose personal-chat reference names `userId` as its user (Teams: the 29:… id a mention carries). */
  findByDirectUser(workspaceId: number, userId: string): Promise<Person | undefined>;
  /** Gives a person the stable platform id they were not known by yet (a Teams person first met through a mention). */
  setExternalId(id: number, externalId: string): Promise<void>;
  count(workspaceId: number): Promise<number>;
}

export interface RoleRepository {
  rolesOf(workspaceId: number, personId: number): Promise<GrantableRole[]>;
  holders(workspaceId: number, role?: GrantableRole): Promise<RoleHolder[]>;
  grant(input: { workspaceId: number; personId: number; role: GrantableRole; grantedBy: number | null; grantedAt: string }): Promise<void>;
  revoke(workspaceId: number, personId: number, role: GrantableRole): Promise<boolean>;
  countAssignments(workspaceId: number): Promise<number>;
}

export interface AuditLog {
  /** Appends to the hash chain; must run inside the caller's write transaction. */
  append(event: AuditEventInput, at: string): Promise<AuditHead>;
  /** The head of the workspace's own chain (null: the system chain, events of no workspace). */
  head(workspaceId: number | null): Promise<AuditHead | null>;
  /**
   * The head of the workspace's own chain, in one indexed read: its sequence (null: no event yet) and the
   * head. Every change to a workspace's records appends an event to its chain, so the sequence is a version
   * of its records; another workspace's changes never move it.
   */
  versions(workspaceId: number): Promise<{ workspace: number | null; head: AuditHead | null }>;
  /**
   * Events of one workspace (or all), optionally only those from `period.from` (inclusive) to `period.to`
   * (exclusive). A workspace's count without a period comes from its chain's sequence (no count(*)).
   */
  count(workspaceId?: number, period?: { from?: string; to?: string }): Promise<number>;
}

/** Chain heads the bot published, per workspace. */
export interface AnchorRepository {
  insert(input: Omit<PublishedAnchor, 'id'>): Promise<PublishedAnchor>;
  list(workspaceId: number, limit: number): Promise<PublishedAnchor[]>;
  /** Audit events of the workspace after its last published head, the jobs' own bookkeeping aside. */
  changesSinceLastAnchor(workspaceId: number): Promise<number>;
}

export interface DedupeRepository {
  /** Records an inbound key (with the hash of what it carried); false when it was seen before (a retry or a double click). */
  claim(key: string, workspaceId: number | null, at: string, outcome?: unknown, requestHash?: string): Promise<boolean>;
  /** What the first delivery of `key` recorded, if anything. */
  outcomeOf(key: string): Promise<unknown>;
  /** The first delivery of `key`: its outcome and the hash of what it carried (null for keys stored before hashes). */
  find(key: string): Promise<{ outcome: unknown; requestHash: string | null } | undefined>;
  /** Drops a key whose delivery failed unexpectedly, so the platform's retry runs it again. */
  forget(key: string): Promise<void>;
  pruneBefore(at: string): Promise<number>;
}

export interface SettingsRepository {
  get(workspaceId: number): Promise<WorkspaceSettings | undefined>;
  save(settings: WorkspaceSettings): Promise<void>;
}

export interface JobRepository {
  findRun(job: string, period: string, workspaceId: number): Promise<JobRun | undefined>;
  insertRun(input: Omit<JobRun, 'id'>): Promise<JobRun>;
  finishRun(id: number, at: string): Promise<void>;
  findDelivery(runId: number, recipient: string): Promise<JobDelivery | undefined>;
  insertDelivery(input: Omit<JobDelivery, 'id'>): Promise<JobDelivery>;
  /** pending|failed (or sending since before `staleBefore`) -> sending; true for the one caller that took it. */
  takeDelivery(id: number, now: string, staleBefore: string): Promise<boolean>;
  /** The run's deliveries to any of `recipients` (a batch in one query). */
  findDeliveries(runId: number, recipients: readonly string[]): Promise<JobDelivery[]>;
  /** Several delivery rows in one statement, returned as written. */
  insertDeliveries(inputs: ReadonlyArray<Omit<JobDelivery, 'id'>>): Promise<JobDelivery[]>;
  /** takeDelivery for several rows in one statement: the ids this caller took. */
  takeDeliveries(ids: readonly number[], now: string, staleBefore: string): Promise<number[]>;
  settleDelivery(id: number, status: 'sent' | 'failed', error: string | null, sentAt: string | null): Promise<void>;
  markSuperseded(id: number): Promise<void>;
  failedDeliveries(job: string, workspaceId: number): Promise<Array<JobDelivery & { period: string }>>;
  recentRuns(limit: number): Promise<Array<JobRun & { sent: number; failed: number }>>;
  lastRun(job: string, workspaceId: number): Promise<JobRun | undefined>;
  /** Deliveries of a job in a workspace that were sent, from `period.from` (inclusive) to `period.to` (exclusive). */
  countSent(job: string, workspaceId: number, period: { from?: string; to?: string }): Promise<number>;
  /** Snoozed item keys of a person still quiet on `today`. */
  snoozed(workspaceId: number, personId: number, today: string): Promise<Set<string>>;
  /** The same for several people in one query: snoozed item keys by person id (people with none are absent). */
  snoozedOf(workspaceId: number, personIds: readonly number[], today: string): Promise<Map<number, Set<string>>>;
  snooze(input: {
    workspaceId: number;
    personId: number;
    itemKey: string;
    until: string;
    reason: string | null;
    createdAt: string;
  }): Promise<void>;
}

export interface OutboxSummary {
  pending: number;
  sending: number;
  failed: number;
  /** When the oldest message still waiting was queued. */
  oldestWaiting: string | null;
  /** The latest messages waiting or failed, newest first (at most 10). */
  latest: Array<
    Pick<OutboxMessage, 'id' | 'workspaceId' | 'kind' | 'subject' | 'target' | 'status' | 'attempts' | 'lastError' | 'createdAt'>
  >;
}

export interface OutboxRepository {
  /** Queues a message; an update of a copy that already has one waiting is left to that one. */
  insert(input: OutboxInput): Promise<void>;
  findById(id: number): Promise<OutboxMessage | undefined>;
  /** Pending messages whose backoff is over, oldest first (of one record; after an id, to page on). */
  due(now: string, limit: number, subject?: string, afterId?: number): Promise<OutboxMessage[]>;
  /** pending (due), or sending since before `staleBefore` -> sending; true for the one caller that took it. */
  take(id: number, now: string, takenBy: string, staleBefore: string): Promise<boolean>;
  settle(
    id: number,
    changes: { status: OutboxStatus; sentAt: string | null; lastError: string | null; nextAttemptAt: string | null },
  ): Promise<void>;
  sending(): Promise<OutboxMessage[]>;
  /** sending (by `takenBy`) -> pending; false when someone else settled or took it meanwhile. */
  release(id: number, takenBy: string): Promise<boolean>;
  ofSubject(workspaceId: number, subject: string): Promise<OutboxMessage[]>;
  summary(workspaceId?: number): Promise<OutboxSummary>;
}

/** Every copy the bot posted about a record, to refresh each when the record changes. */
export interface PostedMessageRepository {
  /** Remembers a copy; the same message recorded again (a retry) keeps one row, with the latest subject and reference. */
  record(input: PostedCopyInput): Promise<PostedCopy>;
  ofSubject(workspaceId: number, subject: string): Promise<PostedCopy[]>;
  find(workspaceId: number, subject: string, channelId: string, messageId: string): Promise<PostedCopy | undefined>;
}

export interface Repositories {
  workspaces: WorkspaceRepository;
  posted: PostedMessageRepository;
  people: PeopleRepository;
  roles: RoleRepository;
  audit: AuditLog;
  dedupe: DedupeRepository;
  settings: SettingsRepository;
  jobs: JobRepository;
  anchors: AnchorRepository;
  outbox: OutboxRepository;
}

/**
 * The store as core sees it: async units of work over the repositories. A unit's awaits are the store's
 * own queries only (never a network call): on SQLite the units run one at a time in the process, so a
 * unit that waited on something else would hold up every other.
 */
export interface UnitOfWork {
  /** Runs `work` in one write transaction (taken before its first read, so chain appends never race). */
  write<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T>;
  /** Runs `work` in one read transaction (a consistent snapshot). */
  read<T>(work: (repos: Repositories) => Promise<T> | T): Promise<T>;
  /**
   * A mark that differs whenever anything in the store may have changed since it was last taken (a row
   * written by this connection or a commit by any other), without a read unit; undefined when the store
   * cannot tell (PostgreSQL: another replica's commit is not seen without a round trip). What was read
   * after taking a mark is current while the mark stays the same.
   */
  changeMark?(): string | undefined;
}

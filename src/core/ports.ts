import type { AiSystem, EuRiskLevel, Stage } from './ai-systems/ai-system.ts';
import type { AuditEventInput, AuditHead, PublishedAnchor } from './audit.ts';
import type { Completion, Course, TrainingSession } from './training/training.ts';
import type { JobDelivery, JobRun } from './scheduling/job-ledger.ts';
import type { OutboxInput, OutboxMessage, OutboxStatus } from './outbox/outbox.ts';
import type { AcceptanceCriterion, Release, ReleaseDecision, ReleaseMetric, ReleaseStatus } from './releases/release.ts';
import type { WorkspaceSettings } from './settings/workspace-settings.ts';
import type { Person, Platform, Workspace } from './identity.ts';
import type { GrantableRole, RoleHolder } from './roles.ts';

export interface WorkspaceRepository {
  findByExternalId(platform: Platform, externalId: string): Workspace | undefined;
  findById(id: number): Workspace | undefined;
  all(): Workspace[];
  insert(input: { platform: Platform; externalId: string; name: string | null; createdAt: string }): Workspace;
  rename(id: number, name: string): void;
  /** The workspace whose incident or release card was posted as this message, if any. */
  ownerOfPost(platform: Platform, channelId: string, messageId: string): Workspace | undefined;
}

export interface PeopleRepository {
  find(workspaceId: number, externalId: string): Person | undefined;
  findById(workspaceId: number, id: number): Person | undefined;
  /** People of a workspace by name, for pickers. */
  list(workspaceId: number, limit: number): Person[];
  /** People whose name (or platform id) contains `query`, for pickers that search. */
  search(workspaceId: number, query: string, limit: number): Person[];
  insert(input: Omit<Person, 'id'>): Person;
  rename(id: number, displayName: string): void;
  setDirectReference(id: number, reference: unknown): void;
  count(workspaceId: number): number;
}

export interface RoleRepository {
  rolesOf(workspaceId: number, personId: number): GrantableRole[];
  holders(workspaceId: number, role?: GrantableRole): RoleHolder[];
  grant(input: { workspaceId: number; personId: number; role: GrantableRole; grantedBy: number | null; grantedAt: string }): void;
  revoke(workspaceId: number, personId: number, role: GrantableRole): boolean;
  countAssignments(workspaceId: number): number;
}

export interface AuditLog {
  /** Appends to the hash chain; must run inside the caller's write transaction. */
  append(event: AuditEventInput, at: string): AuditHead;
  head(): AuditHead | null;
  /** Events of one workspace (or all), optionally only those from `period.from` (inclusive) to `period.to` (exclusive). */
  count(workspaceId?: number, period?: { from?: string; to?: string }): number;
}

/** Chain heads the bot published, per workspace. */
export interface AnchorRepository {
  insert(input: Omit<PublishedAnchor, 'id'>): PublishedAnchor;
  list(workspaceId: number, limit: number): PublishedAnchor[];
  /** Audit events of the workspace after its last published head, the jobs' own bookkeeping aside. */
  changesSinceLastAnchor(workspaceId: number): number;
}

export interface DedupeRepository {
  /** Records an inbound key (with the hash of what it carried); false when it was seen before (a retry or a double click). */
  claim(key: string, workspaceId: number | null, at: string, outcome?: unknown, requestHash?: string): boolean;
  /** What the first delivery of `key` recorded, if anything. */
  outcomeOf(key: string): unknown;
  /** The first delivery of `key`: its outcome and the hash of what it carried (null for keys stored before hashes). */
  find(key: string): { outcome: unknown; requestHash: string | null } | undefined;
  /** Drops a key whose delivery failed unexpectedly, so the platform's retry runs it again. */
  forget(key: string): void;
  pruneBefore(at: string): number;
}

export interface AiSystemFilter {
  stage?: Stage;
  euRiskLevel?: EuRiskLevel;
  /** Retired systems are left out unless asked for or filtered by stage. */
  includeRetired?: boolean;
}

export interface AiSystemCounts {
  byStage: Record<Stage, number>;
  /** Systems not retired, by EU AI Act risk level. */
  byRisk: Record<EuRiskLevel, number>;
  /** Systems not retired with no owner. */
  withoutOwner: number;
}

export interface AiSystemRepository {
  insert(input: Omit<AiSystem, 'id'>): AiSystem;
  update(workspaceId: number, id: number, changes: Partial<Omit<AiSystem, 'id' | 'workspaceId' | 'createdAt'>>): void;
  findById(workspaceId: number, id: number): AiSystem | undefined;
  findByNameKey(workspaceId: number, nameKey: string): AiSystem | undefined;
  list(workspaceId: number, filter: AiSystemFilter, page: { limit: number; offset: number }): { items: AiSystem[]; total: number };
  /** Systems not retired whose name contains `query`, for type-ahead pickers. */
  search(workspaceId: number, query: string, limit: number): AiSystem[];
  names(workspaceId: number): string[];
  counts(workspaceId: number): AiSystemCounts;
}

export interface SettingsRepository {
  get(workspaceId: number): WorkspaceSettings | undefined;
  save(settings: WorkspaceSettings): void;
}

export interface ReleaseRepository {
  criteria(workspaceId: number, aiSystemId: number): AcceptanceCriterion[];
  addCriterion(input: Omit<AcceptanceCriterion, 'id'>): AcceptanceCriterion;
  removeCriterion(workspaceId: number, id: number): boolean;
  insert(input: Omit<Release, 'id'>): Release;
  update(workspaceId: number, id: number, changes: Partial<Omit<Release, 'id' | 'workspaceId'>>): void;
  findById(workspaceId: number, id: number): Release | undefined;
  /** A pending or approved release of this version of the system. */
  findLive(aiSystemId: number, versionKey: string): Release | undefined;
  list(workspaceId: number, filter: { statuses?: readonly ReleaseStatus[]; aiSystemId?: number }, page: { limit: number; offset: number }): { items: Release[]; total: number };
  replaceMetrics(releaseId: number, metrics: ReleaseMetric[]): void;
  metrics(releaseId: number): ReleaseMetric[];
  addDecision(input: Omit<ReleaseDecision, 'id'>): ReleaseDecision;
  decisions(releaseId: number, activeOnly: boolean): ReleaseDecision[];
  /** Drops the active decisions (an edit of the request); returns who had decided. */
  dropDecisions(releaseId: number): number[];
  decidedSince(workspaceId: number, since: string): { approved: number; rejected: number };
}

export interface TrainingRepository {
  insertCourse(input: Omit<Course, 'id'>): Course;
  updateCourse(workspaceId: number, id: number, changes: Partial<Omit<Course, 'id' | 'workspaceId' | 'createdAt'>>): void;
  findCourse(workspaceId: number, id: number): Course | undefined;
  findCourseByName(workspaceId: number, nameKey: string): Course | undefined;
  courses(workspaceId: number, includeRetired: boolean): Course[];
  insertSession(input: Omit<TrainingSession, 'id'>): TrainingSession;
  findSession(workspaceId: number, id: number): TrainingSession | undefined;
  /** Inserts a completion unless the same person, course and day exists; true when inserted. */
  insertCompletion(input: Omit<Completion, 'id'>): boolean;
  completions(workspaceId: number, filter: { personId?: number; courseId?: number }): Completion[];
}

export interface JobRepository {
  findRun(job: string, period: string, workspaceId: number): JobRun | undefined;
  insertRun(input: Omit<JobRun, 'id'>): JobRun;
  finishRun(id: number, at: string): void;
  findDelivery(runId: number, recipient: string): JobDelivery | undefined;
  insertDelivery(input: Omit<JobDelivery, 'id'>): JobDelivery;
  /** pending|failed (or sending since before `staleBefore`) -> sending; true for the one caller that took it. */
  takeDelivery(id: number, now: string, staleBefore: string): boolean;
  settleDelivery(id: number, status: 'sent' | 'failed', error: string | null, sentAt: string | null): void;
  markSuperseded(id: number): void;
  failedDeliveries(job: string, workspaceId: number): Array<JobDelivery & { period: string }>;
  recentRuns(limit: number): Array<JobRun & { sent: number; failed: number }>;
  lastRun(job: string, workspaceId: number): JobRun | undefined;
  /** Deliveries of a job in a workspace that were sent, from `period.from` (inclusive) to `period.to` (exclusive). */
  countSent(job: string, workspaceId: number, period: { from?: string; to?: string }): number;
  /** Snoozed item keys of a person still quiet on `today`. */
  snoozed(workspaceId: number, personId: number, today: string): Set<string>;
  snooze(input: { workspaceId: number; personId: number; itemKey: string; until: string; reason: string | null; createdAt: string }): void;
}

export interface OutboxSummary {
  pending: number;
  sending: number;
  failed: number;
  /** When the oldest message still waiting was queued. */
  oldestWaiting: string | null;
  /** The latest messages waiting or failed, newest first (at most 10). */
  latest: Array<Pick<OutboxMessage, 'id' | 'workspaceId' | 'kind' | 'subject' | 'target' | 'status' | 'attempts' | 'lastError' | 'createdAt'>>;
}

export interface OutboxRepository {
  /** Queues a message; an update of a copy that already has one waiting is left to that one. */
  insert(input: OutboxInput): void;
  findById(id: number): OutboxMessage | undefined;
  /** Pending messages whose backoff is over, oldest first (of one record; after an id, to page on). */
  due(now: string, limit: number, subject?: string, afterId?: number): OutboxMessage[];
  /** pending (due), or sending since before `staleBefore` -> sending; true for the one caller that took it. */
  take(id: number, now: string, takenBy: string, staleBefore: string): boolean;
  settle(id: number, changes: { status: OutboxStatus; sentAt: string | null; lastError: string | null; nextAttemptAt: string | null }): void;
  sending(): OutboxMessage[];
  /** sending (by `takenBy`) -> pending; false when someone else settled or took it meanwhile. */
  release(id: number, takenBy: string): boolean;
  ofSubject(workspaceId: number, subject: string): OutboxMessage[];
  summary(workspaceId?: number): OutboxSummary;
}

export interface Repositories {
  workspaces: WorkspaceRepository;
  people: PeopleRepository;
  roles: RoleRepository;
  audit: AuditLog;
  dedupe: DedupeRepository;
  settings: SettingsRepository;
  jobs: JobRepository;
  anchors: AnchorRepository;
  outbox: OutboxRepository;
}

/** The store as core sees it: synchronous units of work over the repositories. */
export interface UnitOfWork {
  /** Runs `work` in one write transaction (taken immediately, so chain appends never race). */
  write<T>(work: (repos: Repositories) => T): T;
  /** Runs `work` in one read transaction (a consistent snapshot). */
  read<T>(work: (repos: Repositories) => T): T;
}

import type { CorrectiveAction, Incident, IncidentEvent, IncidentStatus, Severity } from './domain.ts';

/** The repositories the incidents service needs; ./store.ts implements them for SQLite and PostgreSQL. */
export interface IncidentFilter {
  statuses?: readonly IncidentStatus[];
  severity?: Severity;
  /** Owned or reported by this person. */
  involvingPersonId?: number;
  aiSystemId?: number;
}

export interface IncidentCounts {
  activeBySeverity: Record<Severity, number>;
  oldestActive: Pick<Incident, 'number' | 'title' | 'createdAt' | 'severity'> | null;
  openedSince: number;
  closedSince: number;
  /** The earliest opening and closing counted in the window: when the window's counts change by time alone. */
  firstOpenedSince: string | null;
  firstClosedSince: string | null;
}

export interface IncidentRepository {
  /** The next INC number of a workspace; call inside the write transaction that inserts it. */
  nextNumber(workspaceId: number): Promise<number>;
  insert(input: Omit<Incident, 'id'>): Promise<Incident>;
  update(workspaceId: number, id: number, changes: Partial<Omit<Incident, 'id' | 'workspaceId' | 'number'>>): Promise<void>;
  findByNumber(workspaceId: number, number: number): Promise<Incident | undefined>;
  findById(workspaceId: number, id: number): Promise<Incident | undefined>;
  list(workspaceId: number, filter: IncidentFilter, page: { limit: number; offset: number }): Promise<{ items: Incident[]; total: number }>;
  /** Incidents by number, after `afterNumber`, at most `limit`: one page of the export. */
  pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<Incident[]>;
  /** The events of these incidents, by incident then id (as `events`): an export page's timelines in one read. */
  eventsOf(incidentIds: readonly number[]): Promise<IncidentEvent[]>;
  addEvent(input: Omit<IncidentEvent, 'id'>): Promise<IncidentEvent>;
  events(incidentId: number): Promise<IncidentEvent[]>;
  counts(workspaceId: number, since: string): Promise<IncidentCounts>;
  /** For each window [start, end) of ISO instants: incidents reported in it, and incidents closed in it (and not reopened since). */
  weekly(workspaceId: number, windows: ReadonlyArray<{ start: string; end: string }>): Promise<Array<{ opened: number; closed: number }>>;
  /** Whether the workspace has logged any incident (Annex A evidence in status). */
  /** Records created in an evidence period (ISO instants), counted in the database. */
  countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number>;
  /** Whether the workspace has one (created at or after `from`, when given): one seek. */
  exists(workspaceId: number, from?: string): Promise<boolean>;
}

export interface CorrectiveActionFilter {
  ownerPersonId?: number;
  status?: 'open' | 'done';
  incidentId?: number;
  nonconformityId?: number;
}

/** The columns a nonconformity's action adds (null for the actions of incidents and reviews). */
type CorrectionColumns = 'nonconformityId' | 'rootCause' | 'checkResult' | 'checkedByPersonId' | 'checkedAt' | 'checkNote';
export type NewCorrectiveActionRow = Omit<CorrectiveAction, 'id' | CorrectionColumns> & Partial<Pick<CorrectiveAction, CorrectionColumns>>;

export interface CorrectiveActionRepository {
  insert(input: NewCorrectiveActionRow): Promise<CorrectiveAction>;
  findById(workspaceId: number, id: number): Promise<CorrectiveAction | undefined>;
  markDone(workspaceId: number, id: number, at: string): Promise<void>;
  /** Records an effectiveness check; a failed one opens the action again. */
  recordCheck(
    workspaceId: number,
    id: number,
    check: Pick<CorrectiveAction, 'checkResult' | 'checkedByPersonId' | 'checkedAt' | 'checkNote' | 'status' | 'doneAt'>,
  ): Promise<void>;
  list(
    workspaceId: number,
    filter: CorrectiveActionFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: CorrectiveAction[]; total: number }>;
  /** The actions of these incidents, in `list`'s order (status, due date, id): an export page's actions in one read. */
  ofIncidents(workspaceId: number, incidentIds: readonly number[]): Promise<CorrectiveAction[]>;
  /**
   * Open actions due on or before `horizon` (YYYY-MM-DD), by due date then id, after `after` (from the
   * start when undefined), at most `limit`: one slice of the nudge sweep.
   */
  openDueAfter(
    workspaceId: number,
    horizon: string,
    after: { dueDate: string; id: number } | undefined,
    limit: number,
  ): Promise<CorrectiveAction[]>;
  /**
   * Open actions due on or before `horizon` of the next `owners` owners (by person id) after `afterOwner`
   * (from the first when undefined), by owner, due date, id: one group of the nudge sweep.
   */
  openOfOwners(workspaceId: number, horizon: string, afterOwner: number | undefined, owners: number): Promise<CorrectiveAction[]>;
  /** Open actions, and those of them due before `today` (YYYY-MM-DD). */
  counts(workspaceId: number, today: string): Promise<{ open: number; overdue: number }>;
  /**
   * For each moment (the instant `at` on the day `day`, YYYY-MM-DD): the actions that were overdue then,
   * as `counts` would have said then: created before it, not done by it, due before that day.
   */
  overdueAt(workspaceId: number, moments: ReadonlyArray<{ day: string; at: string }>): Promise<number[]>;
  /** Whether the workspace has any corrective action (Annex A evidence in status). */
  /** Records created in an evidence period (ISO instants), counted in the database. */
  countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number>;
  /** Whether the workspace has one (created at or after `from`, when given): one seek. */
  exists(workspaceId: number, from?: string): Promise<boolean>;
}

// The area adds its repositories to the unit of work's set here; core/ports.ts does not list them.
declare module '../../core/ports.ts' {
  interface Repositories {
    incidents: IncidentRepository;
    actions: CorrectiveActionRepository;
  }
}

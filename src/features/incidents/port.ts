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
  addEvent(input: Omit<IncidentEvent, 'id'>): Promise<IncidentEvent>;
  events(incidentId: number): Promise<IncidentEvent[]>;
  counts(workspaceId: number, since: string): Promise<IncidentCounts>;
  /** Whether the workspace has logged any incident (Annex A evidence in status). */
  /** Records created in an evidence period (ISO instants), counted in the database. */
  countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number>;
  exists(workspaceId: number): Promise<boolean>;
}

export interface CorrectiveActionFilter {
  ownerPersonId?: number;
  status?: 'open' | 'done';
  incidentId?: number;
}

export interface CorrectiveActionRepository {
  insert(input: Omit<CorrectiveAction, 'id'>): Promise<CorrectiveAction>;
  findById(workspaceId: number, id: number): Promise<CorrectiveAction | undefined>;
  markDone(workspaceId: number, id: number, at: string): Promise<void>;
  list(
    workspaceId: number,
    filter: CorrectiveActionFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: CorrectiveAction[]; total: number }>;
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
  /** Open actions, and those of them due before `today` (YYYY-MM-DD). */
  counts(workspaceId: number, today: string): Promise<{ open: number; overdue: number }>;
  /** Whether the workspace has any corrective action (Annex A evidence in status). */
  /** Records created in an evidence period (ISO instants), counted in the database. */
  countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number>;
  exists(workspaceId: number): Promise<boolean>;
}

// The area adds its repositories to the unit of work's set here; core/ports.ts does not list them.
declare module '../../core/ports.ts' {
  interface Repositories {
    incidents: IncidentRepository;
    actions: CorrectiveActionRepository;
  }
}

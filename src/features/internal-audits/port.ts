import type { Repositories } from '../../core/ports.ts';
import type { AuditArea, AuditFinding, InternalAudit, Nonconformity } from './domain.ts';

/** The repository the internal audits service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface InternalAuditRepository {
  /** The next AUD number of a workspace; call inside the write transaction that inserts it. */
  nextNumber(workspaceId: number): Promise<number>;
  insert(input: Omit<InternalAudit, 'id'>): Promise<InternalAudit>;
  update(workspaceId: number, id: number, changes: Partial<Pick<InternalAudit, 'status' | 'updatedAt' | 'completedAt'>>): Promise<void>;
  findByNumber(workspaceId: number, number: number): Promise<InternalAudit | undefined>;
  findById(workspaceId: number, id: number): Promise<InternalAudit | undefined>;
  /** The programme, newest first (a programme holds tens of audits: filters run over it). */
  all(workspaceId: number): Promise<InternalAudit[]>;
  /** Audits by number, after `afterNumber`, at most `limit`: one page of the export. */
  pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<InternalAudit[]>;
  /** The findings of these audits, by audit then number (as `findings`), in one read. */
  findingsOf(workspaceId: number, auditIds: readonly number[]): Promise<AuditFinding[]>;
  addFinding(input: Omit<AuditFinding, 'id' | 'number'>): Promise<AuditFinding>;
  findings(workspaceId: number, auditId?: number): Promise<AuditFinding[]>;
  findFinding(workspaceId: number, id: number): Promise<AuditFinding | undefined>;
}

export interface NonconformityRepository {
  /** The next NC number of a workspace; call inside the write transaction that inserts it. */
  nextNumber(workspaceId: number): Promise<number>;
  insert(input: Omit<Nonconformity, 'id'>): Promise<Nonconformity>;
  update(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<Nonconformity, 'status' | 'correctiveActionId' | 'checkerPersonId' | 'updatedAt' | 'closedAt'>>,
  ): Promise<void>;
  findByNumber(workspaceId: number, number: number): Promise<Nonconformity | undefined>;
  findById(workspaceId: number, id: number): Promise<Nonconformity | undefined>;
  findByFinding(workspaceId: number, findingId: number): Promise<Nonconformity | undefined>;
  /** The register, newest first. */
  all(workspaceId: number): Promise<Nonconformity[]>;
  /** The nonconformities raised by these audits, newest first, in one read. */
  ofAudits(workspaceId: number, auditIds: readonly number[]): Promise<Nonconformity[]>;
}

/** What an audit covers, as far as who owns what in it is concerned. */
export interface AuditScope {
  clauses: readonly string[];
  controls: readonly string[];
  systemIds: readonly number[];
  areas: readonly AuditArea[];
}

/** A record someone owns that falls in an audit's scope: what the refusal names ("AI system Fraud Scorer"). */
export interface OwnedRecord {
  ref: string;
  what: string;
}

/**
 * The hook "records a person owns in scope": each check reads one area's records through the unit of
 * work and names those the person owns that the scope takes in. An auditor may not audit their own work
 * (9.2.2 c). AI systems and risks are checked here; the policies area adds its check to this list.
 */
export type ScopeOwnershipCheck = (repos: Repositories, workspaceId: number, personId: number, scope: AuditScope) => Promise<OwnedRecord[]>;

// The area adds its repositories to the unit of work's set here; core/ports.ts does not list them.
declare module '../../core/ports.ts' {
  interface Repositories {
    internalAudits: InternalAuditRepository;
    nonconformities: NonconformityRepository;
  }
}

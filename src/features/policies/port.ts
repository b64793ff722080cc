import type { Policy, PolicyAcknowledgement, PolicyApproval, PolicyVersion } from './domain.ts';

/** The repository the policies service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface PolicyRepository {
  /** The next POL number of a workspace; call inside the write transaction that inserts it. */
  nextNumber(workspaceId: number): Promise<number>;
  insert(input: Omit<Policy, 'id'>): Promise<Policy>;
  update(workspaceId: number, id: number, changes: Partial<Pick<Policy, 'reviewScheduleId' | 'updatedAt'>>): Promise<void>;
  findById(workspaceId: number, id: number): Promise<Policy | undefined>;
  findByNumber(workspaceId: number, number: number): Promise<Policy | undefined>;
  findByNameKey(workspaceId: number, nameKey: string): Promise<Policy | undefined>;
  /** Every policy of the workspace, by number. */
  all(workspaceId: number): Promise<Policy[]>;
  insertVersion(input: Omit<PolicyVersion, 'id'>): Promise<PolicyVersion>;
  updateVersion(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<PolicyVersion, 'status' | 'approvedAt' | 'publishedAt' | 'publishedBy'>>,
  ): Promise<void>;
  findVersion(workspaceId: number, id: number): Promise<PolicyVersion | undefined>;
  /** The versions of one policy (or of every policy of the workspace), oldest first. */
  versions(workspaceId: number, policyId?: number): Promise<PolicyVersion[]>;
  /** Versions by policy then version (as `versions`), after `after`, at most `limit`: one page of the export. */
  versionsPage(workspaceId: number, after: { policyId: number; version: number } | undefined, limit: number): Promise<PolicyVersion[]>;
  /** The versions of these ids, in no order: an export page's lookup. */
  versionsByIds(workspaceId: number, ids: readonly number[]): Promise<PolicyVersion[]>;
  /** The policies of these ids, in no order: an export page's lookup. */
  byIds(workspaceId: number, ids: readonly number[]): Promise<Policy[]>;
  /** Per version: its active approvals, the acknowledgements asked and those given, in two reads for the page. */
  versionFigures(
    workspaceId: number,
    versionIds: readonly number[],
  ): Promise<Map<number, { approvals: number; asked: number; acknowledged: number }>>;
  /** Acknowledgements by id, after `afterId`, at most `limit`: one page of the export. */
  acknowledgementsPage(workspaceId: number, afterId: number | undefined, limit: number): Promise<PolicyAcknowledgement[]>;
  addApproval(input: Omit<PolicyApproval, 'id'>): Promise<PolicyApproval>;
  approvals(versionId: number): Promise<PolicyApproval[]>;
  /** Asks a person to acknowledge a version; an ask that exists already is kept (returns undefined). */
  ask(input: Omit<PolicyAcknowledgement, 'id' | 'status' | 'acknowledgedAt'>): Promise<PolicyAcknowledgement | undefined>;
  findAcknowledgement(workspaceId: number, id: number): Promise<PolicyAcknowledgement | undefined>;
  /** pending -> acknowledged; false when it was not pending (a double click, or another process first). */
  acknowledge(workspaceId: number, id: number, contentHash: string, at: string): Promise<boolean>;
  /** The asks of one version (or of the workspace), by id. */
  acknowledgements(
    workspaceId: number,
    filter: { versionId?: number; status?: PolicyAcknowledgement['status'] },
  ): Promise<PolicyAcknowledgement[]>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    policies: PolicyRepository;
  }
}

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
  }
}

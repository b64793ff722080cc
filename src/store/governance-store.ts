import type { ChainsVerification, ExpectedHead, NamedChainHead, PublishedAnchor, ReleaseGate } from '../core/audit.ts';
import type { UnitOfWork } from '../core/ports.ts';
import type { AuditReport } from './audit/cross-check.ts';
import type { Dialect } from './store-db.ts';

/** What the app and the aims CLI need of a store, on SQLite or PostgreSQL. */
export interface GovernanceStore extends UnitOfWork {
  readonly dialect: Dialect;
  /** How /healthz and the CLI name it: "sqlite" or the PostgreSQL URL with its password masked. */
  describe(): string;
  /** True when the database answers a trivial query (for /healthz). */
  isReachable(): Promise<boolean>;
  /** The CI gate for a release by its id, across workspaces (the admin CLI reads the whole store). */
  releaseStatus(id: number): Promise<ReleaseGate | undefined>;
  /**
   * The chain walks, the expected heads, and the state tables cross-checked against the chains; with
   * `chain`, that chain only (and no cross-check).
   */
  auditReport(expected?: readonly ExpectedHead[], chain?: number): Promise<AuditReport>;
  /** Every published head, oldest first, across workspaces (for the admin CLI). */
  publishedAnchors(): Promise<Array<PublishedAnchor & { workspace: string }>>;
  /** Every chain's head, named (or the one asked for). */
  auditHeads(chain?: number): Promise<NamedChainHead[]>;
  /** Every chain walked (or the one asked for). */
  verifyAudit(chain?: number): Promise<ChainsVerification>;
  close(): Promise<void> | void;
}

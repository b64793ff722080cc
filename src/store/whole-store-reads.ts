import type { ChainsVerification, ExpectedHead, NamedChainHead } from '../core/audit.ts';
import { chainHeads, verifyAuditChains } from './audit/audit-chain.ts';
import { auditReport } from './audit/cross-check.ts';
import { publishedAnchors } from './audit/published-anchors.ts';
import { releaseGate } from './audit/release-gate.ts';
import type { GovernanceStore } from './governance-store.ts';
import type { StoreDb } from './store-db.ts';

/** The admin CLI's reads over the whole store (across workspaces). */
export type WholeStoreReads = Pick<GovernanceStore, 'releaseStatus' | 'auditReport' | 'publishedAnchors' | 'verifyAudit' | 'auditHeads'>;

/** Those reads for either store, each run by `inSnapshot` in one consistent read of its connection. */
export function wholeStoreReads(inSnapshot: <T>(work: (s: StoreDb) => Promise<T>) => Promise<T>): WholeStoreReads {
  return {
    releaseStatus: async (id) => await inSnapshot(async (s) => await releaseGate(s, id)),
    auditReport: async (expected: readonly ExpectedHead[] = [], chain?: number) =>
      await inSnapshot(async (s) => await auditReport(s, expected, chain)),
    publishedAnchors: async () => await inSnapshot(async (s) => await publishedAnchors(s)),
    verifyAudit: async (chain?: number): Promise<ChainsVerification> =>
      await inSnapshot(async (s) => await verifyAuditChains(s, chain === undefined ? {} : { chain })),
    auditHeads: async (chain?: number): Promise<NamedChainHead[]> => await inSnapshot(async (s) => await chainHeads(s, chain)),
  };
}

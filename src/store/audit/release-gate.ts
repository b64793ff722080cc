import { sql } from 'drizzle-orm';
import type { ReleaseGate } from '../../core/audit.ts';
import { verifyAuditChains } from './audit-chain.ts';
import { ChainState, measurementsKey, type ChainRelease } from './chain-state.ts';
import { rowsOf, type StoreDb } from '../store-db.ts';

export interface ReleaseRow {
  id: number;
  workspace_id: number;
  status: string;
  system: string;
  version: string;
  approvals_needed: number;
  requester_person_id: number;
  content_hash: string;
  ai_system_id: number;
  /** The release's release_metrics rows as { metric, dataset, measured }. */
  measurements: Array<{ metric: string; dataset: string | null; measured: number }>;
}

export interface DecisionRow {
  release_id: number;
  person_id: number;
  decision: 'approve' | 'reject';
  content_hash: string;
}

type MetricRow = ReleaseRow['measurements'][number] & { release_id: number };

/**
 * The releases (one, or all in id order) with their system's name and their measured values. The
 * metrics are read in a second query and joined here: SQLite's json_group_array has no PostgreSQL twin
 * of the same name, and the two queries run in one unit of work.
 */
export async function releaseRows(s: StoreDb, id?: number): Promise<ReleaseRow[]> {
  const only = id === undefined ? sql`` : sql` WHERE r.id = ${id}`;
  const rows = await rowsOf<Omit<ReleaseRow, 'measurements'>>(
    s,
    sql`SELECT r.id, r.workspace_id, r.status, a.name AS system, r.version, r.approvals_needed, r.requester_person_id, r.content_hash, r.ai_system_id
          FROM releases r JOIN ai_systems a ON a.id = r.ai_system_id${only} ORDER BY r.id`,
  );
  const metrics = await rowsOf<MetricRow>(
    s,
    sql`SELECT m.release_id, m.metric, m.dataset, m.measured FROM release_metrics m${id === undefined ? sql`` : sql` WHERE m.release_id = ${id}`} ORDER BY m.id`,
  );
  const metricsOf = new Map<number, ReleaseRow['measurements']>();
  for (const { release_id, metric, dataset, measured } of metrics)
    metricsOf.set(release_id, [...(metricsOf.get(release_id) ?? []), { metric, dataset, measured: Number(measured) }]);
  return rows.map((row) => ({ ...row, measurements: metricsOf.get(row.id) ?? [] }));
}

export async function activeDecisionRows(s: StoreDb, releaseId?: number): Promise<DecisionRow[]> {
  const only = releaseId === undefined ? sql`` : sql` AND release_id = ${releaseId}`;
  return await rowsOf<DecisionRow>(
    s,
    sql`SELECT release_id, person_id, decision, content_hash FROM release_decisions WHERE active = true${only} ORDER BY id`,
  );
}

const person = (id: number) => `person #${id}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The decisions table and the chain must tell the same story about a release: the same request
 * (workspace, requester, approvals needed, content) and the same decisions in force, each backed
 * by its audit event. Returns the first check that fails, or undefined.
 */
export function releaseRecordProblem(
  row: ReleaseRow,
  decisions: DecisionRow[],
  chain: ChainRelease | undefined,
): { check: string; detail: string } | undefined {
  if (!chain) return { check: 'recorded in the chain', detail: 'the audit chain has no release.requested event for it' };
  if (chain.workspaceId !== row.workspace_id)
    return {
      check: 'recorded in the chain',
      detail: `it belongs to workspace #${row.workspace_id} but the chain records workspace #${chain.workspaceId}`,
    };
  if (chain.requesterPersonId !== row.requester_person_id)
    return {
      check: 'recorded in the chain',
      detail: `the requester is ${person(row.requester_person_id)} but the chain records ${chain.requesterPersonId === null ? 'none' : person(chain.requesterPersonId)}`,
    };
  if (chain.approvalsNeeded !== row.approvals_needed)
    return {
      check: 'recorded in the chain',
      detail: `it needs ${plural(row.approvals_needed, 'approval')} but the chain records ${chain.approvalsNeeded}`,
    };
  if (chain.contentHash !== row.content_hash)
    return { check: 'recorded in the chain', detail: 'its content hash differs from the one the chain records' };
  // The content hash column alone proves nothing about the content: compare what was signed with what the row holds.
  if (chain.version !== null && chain.version !== row.version)
    return { check: 'recorded in the chain', detail: `the version is '${row.version}' but the chain records '${chain.version}'` };
  if (chain.aiSystemId !== null && chain.aiSystemId !== row.ai_system_id)
    return {
      check: 'recorded in the chain',
      detail: `it is for AI system #${row.ai_system_id} but the chain records #${chain.aiSystemId}`,
    };
  if (chain.measurements !== null && chain.measurements !== measurementsKey(row.measurements))
    return { check: 'recorded in the chain', detail: 'the measured values differ from the ones the chain records' };
  for (const decision of decisions) {
    const recorded = chain.decisions.get(decision.person_id);
    if (!recorded || recorded.decision !== decision.decision || recorded.contentHash !== decision.content_hash) {
      return {
        check: 'decisions backed by audit events',
        detail: `the ${decision.decision === 'approve' ? 'approval' : 'rejection'} by ${person(decision.person_id)} has no matching audit event`,
      };
    }
  }
  for (const [personId, recorded] of chain.decisions) {
    if (!decisions.some((d) => d.person_id === personId)) {
      return {
        check: 'decisions backed by audit events',
        detail: `the chain records ${recorded.decision === 'approve' ? 'an approval' : 'a rejection'} by ${person(personId)} (#${recorded.sequence}) that the decisions table lacks`,
      };
    }
  }
  return undefined;
}

/** What the decisions in force (already checked against the chain) decide. */
export function decide(
  row: ReleaseRow,
  chain: ChainRelease,
  decisions: DecisionRow[],
): { verdict: string; approvals: number; problem?: { check: string; detail: string } } {
  const approvals = decisions.filter((d) => d.decision === 'approve');
  const approvers = new Set(approvals.map((d) => d.person_id));
  if (approvers.has(row.requester_person_id))
    return {
      verdict: 'pending',
      approvals: approvers.size,
      problem: { check: 'not by the requester', detail: `the requester (${person(row.requester_person_id)}) approved it` },
    };
  for (const approval of approvals) {
    if (!chain.decisions.get(approval.person_id)?.heldApproverRole)
      return {
        verdict: 'pending',
        approvals: approvers.size,
        problem: {
          check: 'by approvers',
          detail: `${person(approval.person_id)} did not hold the approver role when approving, per the chain`,
        },
      };
    if (approval.content_hash !== row.content_hash)
      return {
        verdict: 'pending',
        approvals: approvers.size,
        problem: {
          check: 'signed the current content',
          detail: `${person(approval.person_id)} approved other content than the request holds now`,
        },
      };
  }
  const verdict =
    chain.status === 'withdrawn'
      ? 'withdrawn'
      : decisions.some((d) => d.decision === 'reject')
        ? 'rejected'
        : approvers.size >= row.approvals_needed
          ? 'approved'
          : 'pending';
  if (row.status !== verdict) {
    const detail =
      row.status === 'approved'
        ? `the status column says 'approved' but the chain records ${approvers.size} of ${plural(row.approvals_needed, 'approval')}${verdict === 'rejected' ? ' and a rejection' : ''}`
        : `the status column says '${row.status}' but the chain's decisions make it '${verdict}'`;
    return { verdict, approvals: approvers.size, problem: { check: 'status', detail } };
  }
  if (chain.status !== verdict)
    return {
      verdict,
      approvals: approvers.size,
      problem: { check: 'status', detail: `the decisions make it '${verdict}' but the chain's last status event says '${chain.status}'` },
    };
  return { verdict, approvals: approvers.size };
}

/**
 * The CI gate: a release counts as approved only when the chain is intact and its decisions,
 * each backed by an audit event, approve it (N distinct approvers, none the requester, no
 * rejection); the status column is checked against that, never trusted on its own.
 */
export async function releaseGate(s: StoreDb, id: number): Promise<ReleaseGate | undefined> {
  const [row] = await releaseRows(s, id);
  if (!row) return undefined;
  const state = new ChainState();
  const chains = await verifyAuditChains(s, { visit: state.visit });
  const broken = chains.chains.find((chain) => !chain.ok);
  const base = { id, system: row.system, version: row.version, needed: row.approvals_needed };
  const decisions = await activeDecisionRows(s, id);
  const counted = new Set(decisions.filter((d) => d.decision === 'approve').map((d) => d.person_id)).size;
  if (broken && !broken.ok)
    return {
      ...base,
      verdict: 'failed',
      approvals: counted,
      failedCheck: 'audit chain intact',
      detail: `the audit ${broken.label} is broken at sequence ${broken.firstBadSequence}: ${broken.reason}`,
    };
  const recorded = state.releases.get(id);
  const problem = releaseRecordProblem(row, decisions, recorded);
  if (problem || !recorded)
    return {
      ...base,
      verdict: 'failed',
      approvals: counted,
      failedCheck: problem?.check ?? 'recorded in the chain',
      detail: problem?.detail ?? '',
    };
  const decided = decide(row, recorded, decisions);
  if (decided.problem)
    return { ...base, verdict: 'failed', approvals: decided.approvals, failedCheck: decided.problem.check, detail: decided.problem.detail };
  return { ...base, verdict: decided.verdict as ReleaseGate['verdict'], approvals: decided.approvals };
}

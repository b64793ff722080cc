import { and, eq, max, sql } from 'drizzle-orm';
import type { AnchorMismatch, ChainDisagreement, ChainsVerification, ExpectedHead } from '../../core/audit.ts';
import { chainLabels, verifyAuditChains } from './audit-chain.ts';
import { ChainState, completionKey } from './chain-state.ts';
import { tables } from '../repositories/kernel-tables.ts';
import { first, rowsOf, type StoreDb } from '../store-db.ts';
import { activeDecisionRows, decide, releaseRecordProblem, releaseRows, type DecisionRow } from './release-gate.ts';

export interface AuditReport {
  /** Every chain walked (or the one asked for). */
  chains: ChainsVerification;
  /** Expected heads the chain does not hold. */
  anchors: AnchorMismatch[];
  /** State tables against the chain; empty when the chain itself is broken (nothing to compare with). */
  disagreements: ChainDisagreement[];
}

/**
 * Checks each expected head: the chain it names must hold exactly that event at that sequence. A head that
 * names no chain (`--expect-head`, an anchors file) must be an event of some chain at that sequence: hashes
 * are unique across chains, and each chain's events hash their workspace, so the hash alone says which.
 */
export async function checkHeads(s: StoreDb, expected: readonly ExpectedHead[]): Promise<AnchorMismatch[]> {
  if (expected.length === 0) return [];
  const { auditEvents } = tables(s);
  const label = await chainLabels(s);
  const out: AnchorMismatch[] = [];
  for (const head of expected) {
    const hash = head.hash.toLowerCase();
    const mismatch = (reason: string): void => {
      out.push({ ...(head.chain === undefined ? {} : { chain: head.chain }), sequence: head.sequence, from: head.from, reason });
    };
    if (head.chain === undefined) {
      const row = first(
        await s.db
          .select({ chain: auditEvents.chain, sequence: auditEvents.sequence })
          .from(auditEvents)
          .where(eq(auditEvents.hash, hash))
          .limit(1),
      );
      if (!row) mismatch(`no chain holds an event with hash ${hash.slice(0, 12)}…`);
      else if (row.sequence !== head.sequence)
        mismatch(`the ${label(row.chain)} holds that hash at #${row.sequence}, not at #${head.sequence}`);
      continue;
    }
    const chain = head.chain;
    const last =
      first(
        await s.db
          .select({ n: max(auditEvents.sequence) })
          .from(auditEvents)
          .where(eq(auditEvents.chain, chain)),
      )?.n ?? null;
    const row = first(
      await s.db
        .select({ hash: auditEvents.hash })
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, chain), eq(auditEvents.sequence, head.sequence)))
        .limit(1),
    );
    if (!row) mismatch(last === null ? `the ${label(chain)} is empty` : `no event #${head.sequence}: the ${label(chain)} ends at #${last}`);
    else if (row.hash !== hash)
      mismatch(
        `the ${label(chain)} holds a different event at #${head.sequence} (hash ${row.hash.slice(0, 12)}…, expected ${head.hash.slice(0, 12)}…)`,
      );
  }
  return out;
}

/**
 * The whole verification: the chain walks (every chain, or the one asked for), the expected heads, then
 * every release, incident and training completion in the tables against what the chains recorded (only
 * when every chain was walked: a release's events may sit in the global chain before the cut-over).
 */
export async function auditReport(s: StoreDb, expected: readonly ExpectedHead[] = [], only?: number): Promise<AuditReport> {
  const state = new ChainState();
  const chains = await verifyAuditChains(s, { visit: state.visit, ...(only === undefined ? {} : { chain: only }) });
  const anchors = await checkHeads(s, expected);
  return { chains, anchors, disagreements: chains.ok && only === undefined ? await crossCheck(s, state) : [] };
}

async function crossCheck(s: StoreDb, state: ChainState): Promise<ChainDisagreement[]> {
  const out: ChainDisagreement[] = [];
  const decisionsOf = new Map<number, DecisionRow[]>();
  for (const decision of await activeDecisionRows(s))
    decisionsOf.set(decision.release_id, [...(decisionsOf.get(decision.release_id) ?? []), decision]);

  for (const row of await releaseRows(s)) {
    const record = `REL-${row.id}`;
    const chain = state.releases.get(row.id);
    const decisions = decisionsOf.get(row.id) ?? [];
    const problem = releaseRecordProblem(row, decisions, chain);
    if (problem || !chain) {
      out.push({ record, message: `${record}: ${problem?.detail ?? 'not in the chain'}` });
      continue;
    }
    const decided = decide(row, chain, decisions);
    if (decided.problem) out.push({ record, message: `${record}: ${decided.problem.detail.replace(/^the status column says/, 'status')}` });
  }
  const releaseIds = new Set((await rowsOf<{ id: number }>(s, sql`SELECT id FROM releases`)).map((r) => r.id));
  for (const id of state.releases.keys())
    if (!releaseIds.has(id))
      out.push({ record: `REL-${id}`, message: `REL-${id}: the chain records it but the releases table has no such row` });

  const incidents = await rowsOf<{
    id: number;
    workspace_id: number;
    number: number;
    status: string;
    owner_person_id: number | null;
  }>(s, sql`SELECT id, workspace_id, number, status, owner_person_id FROM incidents ORDER BY id`);
  for (const row of incidents) {
    const record = `INC-${row.number}`;
    const chain = state.incidents.get(row.id);
    if (!chain) out.push({ record, message: `${record} (incident #${row.id}): not in the audit chain (no incident.reported event)` });
    else if (chain.workspaceId !== row.workspace_id)
      out.push({
        record,
        message: `${record} (incident #${row.id}): belongs to workspace #${row.workspace_id} but the chain records workspace #${chain.workspaceId}`,
      });
    else if (chain.status !== row.status)
      out.push({ record, message: `${record} (incident #${row.id}): status '${row.status}' but the chain records '${chain.status}'` });
    else if (chain.ownerPersonId !== undefined && chain.ownerPersonId !== row.owner_person_id) {
      const who = (id: number | null) => (id === null ? 'no owner' : `person #${id}`);
      out.push({
        record,
        message: `${record} (incident #${row.id}): owned by ${who(row.owner_person_id)} but the chain records ${who(chain.ownerPersonId)}`,
      });
    }
  }
  const incidentIds = new Set(incidents.map((r) => r.id));
  for (const [id, chain] of state.incidents)
    if (!incidentIds.has(id))
      out.push({
        record: `INC-${chain.number ?? '?'}`,
        message: `INC-${chain.number ?? '?'} (incident #${id}): the chain records it but the incidents table has no such row`,
      });

  const completions = await rowsOf<{
    id: number;
    course_id: number;
    person_id: number;
    date: string;
  }>(s, sql`SELECT id, course_id, person_id, "date" FROM training_completions ORDER BY id`);
  for (const row of completions) {
    if (!state.completions.has(completionKey(row.course_id, row.person_id, row.date))) {
      out.push({
        record: `completion #${row.id}`,
        message: `training completion #${row.id} (course #${row.course_id}, person #${row.person_id}, ${row.date}): no audit event records it`,
      });
    }
  }
  // Evidence removed is as bad as evidence made up: every completion the chain records must still be there.
  const present = new Set(completions.map((row) => completionKey(row.course_id, row.person_id, row.date)));
  for (const key of state.completions) {
    if (present.has(key)) continue;
    const [course, person, date] = key.split(':');
    out.push({
      record: `completion of course #${course}`,
      message: `training completion (course #${course}, person #${person}, ${date}): the chain records it but the training_completions table has no such row`,
    });
  }
  return out;
}

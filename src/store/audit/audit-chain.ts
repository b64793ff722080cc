import { and, asc, count, desc, eq, gt, gte, isNull, lt, min, sql, type SQL } from 'drizzle-orm';
import {
  CHAIN_STARTED,
  chainOf,
  LEGACY_CHAIN,
  SYSTEM_CHAIN,
  type AuditEventInput,
  type AuditHead,
  type AuditVerification,
  type ChainsVerification,
  type ChainVerification,
} from '../../core/audit.ts';
import { ChainWalker, chainHash, GENESIS_HASH } from '../../core/audit-chain-verify.ts';
import type { AuditLog } from '../../core/ports.ts';
import { tables } from '../repositories/kernel-tables.ts';
import type { auditEvents } from '../schema/audit.ts';
import { first, qualified, runPrepared, type StoreDb } from '../store-db.ts';
import { canonicalJson } from '../../core/canonical-json.ts';

export { chainHash, GENESIS_HASH };

/** What a genesis event records (its `after`): the legacy head the chain continues from, and how many of its events are the chain's. */
export interface ChainStart {
  continuesFrom: AuditHead;
  /** Events of this chain's workspace (or of no workspace, for the system chain) in the legacy chain. */
  legacyEvents: number;
}

export const workspaceOfChain = (chain: number): number | null => (chain === SYSTEM_CHAIN ? null : chain);

/** A chain's genesis event: it continues from the legacy head and says how many of the chain's events the legacy chain holds. */
export function genesisEvent(chain: number, legacy: AuditHead, legacyEvents: number): AuditEventInput {
  const after: ChainStart = { continuesFrom: { sequence: legacy.sequence, hash: legacy.hash }, legacyEvents };
  return {
    workspaceId: workspaceOfChain(chain),
    actorPersonId: null,
    actor: 'system',
    action: CHAIN_STARTED,
    subject: `chain:${chain}`,
    before: null,
    after,
  };
}

/** The row that appends `event` to `chain` after `head` (null: the chain's first, after GENESIS_HASH). */
export function chainRow(
  chain: number,
  head: AuditHead | null,
  event: AuditEventInput,
  at: string,
): typeof auditEvents.$inferInsert & { sequence: number; hash: string } {
  const sequence = (head?.sequence ?? 0) + 1;
  const previousHash = head?.hash ?? GENESIS_HASH;
  const payload = canonicalJson({
    sequence,
    at,
    workspaceId: event.workspaceId,
    actorPersonId: event.actorPersonId,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    before: event.before,
    after: event.after,
  });
  // The sequence is the chain position, never generated.
  return {
    chain,
    sequence,
    at,
    workspaceId: event.workspaceId,
    actorPersonId: event.actorPersonId,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    payload,
    previousHash,
    hash: chainHash(previousHash, payload),
  };
}

/** The head of one chain: the row with the highest sequence (a seek on the primary key). */
async function chainHead(s: StoreDb, chain: number): Promise<AuditHead | null> {
  const { auditEvents } = tables(s);
  const row = first(
    await s.db
      .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
      .from(auditEvents)
      .where(eq(auditEvents.chain, chain))
      .orderBy(desc(auditEvents.sequence))
      .limit(1),
  );
  return row ?? null;
}

/** Heads read in a read unit, by unit and workspace (dropped with the unit). */
const versionsIn = new WeakMap<object, Map<number, { workspace: number | null; head: AuditHead | null }>>();

/** Appends and reads the hash-chained audit log: one chain per workspace, one for events of no workspace. */
export class AuditChainStore implements AuditLog {
  constructor(
    private readonly s: StoreDb,
    private readonly inWriteTransaction: () => boolean,
    /** The read unit the caller runs in, if any: its snapshot cannot move, so a chain's head is read once in it. */
    private readonly readUnit: () => object | undefined = () => undefined,
  ) {}

  async append(event: AuditEventInput, at: string): Promise<AuditHead> {
    // Reading the head and inserting after it is only safe under the write lock.
    if (!this.inWriteTransaction()) throw new Error('audit events must be appended inside a write transaction');
    const chain = chainOf(event.workspaceId);
    const head = (await chainHead(this.s, chain)) ?? (await this.startChain(chain, at));
    return await this.insert(chain, head, event, at);
  }

  /**
   * On a store that has a legacy (global) chain, a chain's first event is its genesis: it continues from
   * the legacy head (its previous hash) and records it, with the count of the chain's events in the legacy
   * chain. On a store that never had one, a chain starts from GENESIS_HASH with its first real event.
   */
  private async startChain(chain: number, at: string): Promise<AuditHead | null> {
    const legacy = await chainHead(this.s, LEGACY_CHAIN);
    if (!legacy) return null;
    const { auditEvents } = tables(this.s);
    const workspaceId = workspaceOfChain(chain);
    const legacyEvents =
      first(
        await this.s.db
          .select({ n: count() })
          .from(auditEvents)
          .where(
            and(
              eq(auditEvents.chain, LEGACY_CHAIN),
              workspaceId === null ? isNull(auditEvents.workspaceId) : eq(auditEvents.workspaceId, workspaceId),
            ),
          ),
      )?.n ?? 0;
    return await this.insert(chain, { sequence: 0, hash: legacy.hash }, genesisEvent(chain, legacy, Number(legacyEvents)), at);
  }

  /**
   * The cut-over on a store migrated from one global chain: a genesis event for every workspace (and the
   * system chain) that has none yet, so each has its own head from the start. Nothing on a store without a
   * legacy chain or once done; run at open, in a write unit.
   */
  async startChains(at: string): Promise<number> {
    if (!this.inWriteTransaction()) throw new Error('audit chains must be started inside a write transaction');
    if (!(await chainHead(this.s, LEGACY_CHAIN))) return 0;
    const { auditEvents, workspaces } = tables(this.s);
    const missing = await this.s.db
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(sql`not exists (select 1 from ${auditEvents} where ${auditEvents.chain} = ${qualified(workspaces.id)})`)
      .orderBy(asc(workspaces.id));
    const chains = missing.map((row) => row.id);
    if (!(await chainHead(this.s, SYSTEM_CHAIN))) chains.unshift(SYSTEM_CHAIN);
    for (const chain of chains) await this.startChain(chain, at);
    return chains.length;
  }

  private async insert(chain: number, head: AuditHead | null, event: AuditEventInput, at: string): Promise<AuditHead> {
    const row = chainRow(chain, head, event, at);
    await this.s.db.insert(tables(this.s).auditEvents).values(row);
    return { sequence: row.sequence, hash: row.hash };
  }

  async head(workspaceId: number | null): Promise<AuditHead | null> {
    return await chainHead(this.s, chainOf(workspaceId));
  }

  async versions(workspaceId: number): Promise<{ workspace: number | null; head: AuditHead | null }> {
    // A request's read unit asks it several times (who is asking, the status, the digest's verdict, the checklist).
    const unit = this.readUnit();
    const memo = unit ? versionsIn.get(unit) : undefined;
    const kept = memo?.get(workspaceId);
    if (kept) return { workspace: kept.workspace, head: kept.head && { ...kept.head } };
    const read = await this.readVersions(workspaceId);
    if (unit) {
      if (memo) memo.set(workspaceId, read);
      else versionsIn.set(unit, new Map([[workspaceId, read]]));
    }
    return { workspace: read.workspace, head: read.head && { ...read.head } };
  }

  private async readVersions(workspaceId: number): Promise<{ workspace: number | null; head: AuditHead | null }> {
    const { auditEvents } = tables(this.s);
    // One seek on the primary key: the head of the workspace's own chain is also the version of its records.
    const rows = await runPrepared<{ sequence: number | null; hash: string | null }>(
      this.s,
      'audit_versions',
      () =>
        this.s.db
          .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
          .from(auditEvents)
          .where(eq(auditEvents.chain, sql.placeholder('chain')))
          .orderBy(desc(auditEvents.sequence))
          .limit(1),
      { chain: chainOf(workspaceId) },
    );
    const row = rows[0];
    const head = row && row.sequence !== null && row.hash ? { sequence: Number(row.sequence), hash: row.hash } : null;
    return { workspace: head?.sequence ?? null, head };
  }

  async count(workspaceId?: number, period: { from?: string; to?: string } = {}): Promise<number> {
    const { auditEvents } = tables(this.s);
    if (workspaceId !== undefined && period.from === undefined && period.to === undefined) return await this.chainCount(workspaceId);
    const conditions: SQL[] = [];
    if (workspaceId !== undefined) conditions.push(eq(auditEvents.workspaceId, workspaceId));
    if (period.from !== undefined) conditions.push(gte(auditEvents.at, period.from));
    if (period.to !== undefined) conditions.push(lt(auditEvents.at, period.to));
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(auditEvents)
        .where(and(...conditions)),
    );
    return row?.n ?? 0;
  }

  /**
   * A workspace's events from its chain, not a count(*): the head's sequence, plus (on a migrated store)
   * the workspace's events in the legacy chain that its genesis event recorded. One statement, two seeks.
   */
  private async chainCount(workspaceId: number): Promise<number> {
    const { auditEvents } = tables(this.s);
    const rows = await runPrepared<{ sequence: number | null; genesis: string | null }>(
      this.s,
      'audit_chain_count',
      () =>
        this.s.db
          .select({
            sequence: sql<
              number | null
            >`(select ${auditEvents.sequence} from ${auditEvents} where ${auditEvents.chain} = ${sql.placeholder('chain')} order by ${auditEvents.sequence} desc limit 1)`,
            genesis: sql<
              string | null
            >`(select ${auditEvents.payload} from ${auditEvents} where ${auditEvents.chain} = ${sql.placeholder('chain')} and ${auditEvents.sequence} = 1 and ${auditEvents.action} = ${CHAIN_STARTED})`,
          })
          .from(sql`(select 1) as one`),
      { chain: chainOf(workspaceId) },
    );
    const row = rows[0];
    if (!row || row.sequence === null) return 0;
    let legacy = 0;
    if (row.genesis) {
      const after = (JSON.parse(row.genesis) as { after?: Partial<ChainStart> }).after;
      legacy = typeof after?.legacyEvents === 'number' ? after.legacyEvents : 0;
    }
    return legacy + Number(row.sequence);
  }
}

/** One verified event of the chain, as the cross-checks read it. */
export interface ChainEvent {
  chain: number;
  sequence: number;
  hash: string;
  at: string;
  workspaceId: number | null;
  actorPersonId: number | null;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

type AuditRow = typeof auditEvents.$inferSelect;

/** Rows read per query while walking a chain: bounded memory on a long chain, few round trips. */
const CHAIN_PAGE = 500;

/** The chains the store holds, in the order they are verified: the legacy chain first (it precedes every other), then by id. */
async function chainsOf(s: StoreDb): Promise<number[]> {
  const { auditEvents } = tables(s);
  const out: number[] = [];
  // A skip scan on the primary key: one seek per chain, not a pass over every event.
  for (let after: number | null = null; ;) {
    const row: { chain: number | null } | undefined = first(
      await s.db
        .select({ chain: min(auditEvents.chain) })
        .from(auditEvents)
        .where(after === null ? undefined : gt(auditEvents.chain, after)),
    );
    if (row?.chain === null || row?.chain === undefined) break;
    after = Number(row.chain);
    out.push(after);
  }
  return out;
}

/** How a report names a chain: "global chain (before per-workspace chains)", "system chain", "chain of workspace slack:T123" (what --workspace takes). */
export async function chainLabels(s: StoreDb): Promise<(chain: number) => string> {
  const { workspaces } = tables(s);
  const names = new Map<number, string>();
  for (const w of await s.db
    .select({ id: workspaces.id, platform: workspaces.platform, externalId: workspaces.externalId, name: workspaces.name })
    .from(workspaces))
    names.set(w.id, `${w.platform}:${w.externalId}`);
  return (chain) =>
    chain === LEGACY_CHAIN
      ? 'global chain (before per-workspace chains)'
      : chain === SYSTEM_CHAIN
        ? 'system chain'
        : `chain of workspace ${names.get(chain) ?? `#${chain}`}`;
}

/** Every chain's head, named (for `aims audit head`), or the one asked for. */
export async function chainHeads(s: StoreDb, only?: number): Promise<Array<{ chain: number; label: string; head: AuditHead | null }>> {
  const label = await chainLabels(s);
  const chains = only === undefined ? await chainsOf(s) : [only];
  const out = [];
  for (const chain of chains) out.push({ chain, label: label(chain), head: await chainHead(s, chain) });
  return out;
}

/**
 * Walks every chain (or the one asked for) in order: the legacy chain as it was up to the cut-over, then
 * each chain from its first event, which either continues from GENESIS_HASH or, on a migrated store, is a
 * genesis event continuing from the legacy head it names. Each event is checked by ChainWalker
 * (core/audit-chain-verify.ts). Rows are read page by page so a long chain does not sit in memory;
 * `visit` sees each event once it checked out (the legacy chain's first, so replays see them in time order).
 */
export async function verifyAuditChains(
  s: StoreDb,
  options: { visit?: (event: ChainEvent) => void; chain?: number } = {},
): Promise<ChainsVerification> {
  const label = await chainLabels(s);
  const present = await chainsOf(s);
  // One chain is walked with the legacy chain its genesis continues from (old segment, genesis, new).
  const chains =
    options.chain === undefined
      ? present
      : present.includes(LEGACY_CHAIN) && options.chain !== LEGACY_CHAIN
        ? [LEGACY_CHAIN, options.chain]
        : [options.chain];
  const legacy = present.includes(LEGACY_CHAIN) ? await chainHead(s, LEGACY_CHAIN) : null;
  const results: ChainVerification[] = [];
  for (const chain of chains) {
    const verification = await verifyOne(s, chain, legacy, options.visit);
    results.push({ ...verification, chain, label: label(chain) });
  }
  return { ok: results.every((r) => r.ok), events: results.reduce((sum, r) => sum + r.events, 0), chains: results };
}

async function verifyOne(
  s: StoreDb,
  chain: number,
  legacy: AuditHead | null,
  visit: ((event: ChainEvent) => void) | undefined,
): Promise<AuditVerification> {
  const { auditEvents: table } = tables(s);
  let walker: ChainWalker | undefined;
  let after = 0;
  for (;;) {
    const rows: AuditRow[] = await s.db
      .select()
      .from(table)
      .where(and(eq(table.chain, chain), gt(table.sequence, after)))
      .orderBy(asc(table.sequence))
      .limit(CHAIN_PAGE);
    for (const row of rows) {
      if (!walker) {
        const start = startOf(chain, row, legacy);
        if ('problem' in start) return { ok: false, events: 0, firstBadSequence: row.sequence, reason: start.problem };
        walker = new ChainWalker(start.previousHash, {
          firstSequence: 1,
          ...(chain === LEGACY_CHAIN ? { mixedWorkspaces: true } : { workspaceId: workspaceOfChain(chain) }),
        });
      } else if (row.action === CHAIN_STARTED && chain !== LEGACY_CHAIN) {
        const result = walker.result();
        return { ok: false, events: result.events, firstBadSequence: row.sequence, reason: 'a genesis event in the middle of the chain' };
      }
      if (walker.next(row) !== undefined) return walker.result();
      if (visit) {
        const payload = JSON.parse(row.payload) as { before?: unknown; after?: unknown };
        visit({
          chain,
          sequence: row.sequence,
          hash: row.hash,
          at: row.at,
          workspaceId: row.workspaceId,
          actorPersonId: row.actorPersonId,
          action: row.action,
          subject: row.subject,
          before: payload.before ?? null,
          after: payload.after ?? null,
        });
      }
    }
    if (rows.length < CHAIN_PAGE) break;
    after = rows[rows.length - 1]?.sequence ?? after;
  }
  return walker ? walker.result() : { ok: true, events: 0, head: null };
}

/** The hash a chain's first event must continue from, or why it cannot be the first. */
function startOf(chain: number, row: AuditRow, legacy: AuditHead | null): { previousHash: string } | { problem: string } {
  if (chain === LEGACY_CHAIN || row.action !== CHAIN_STARTED) {
    if (chain !== LEGACY_CHAIN && legacy)
      return { problem: 'the chain does not start from a genesis event, though the store has a global chain it must continue' };
    return { previousHash: GENESIS_HASH };
  }
  let start: Partial<ChainStart> | undefined;
  try {
    start = (JSON.parse(row.payload) as { after?: Partial<ChainStart> }).after;
  } catch {
    return { previousHash: row.previousHash };
  }
  const from = start?.continuesFrom;
  if (!legacy)
    return { problem: `the genesis event continues from global head #${from?.sequence ?? '?'}, but the store holds no global chain` };
  if (from?.sequence !== legacy.sequence || from.hash !== legacy.hash)
    return {
      problem: `the genesis event continues from global head #${from?.sequence ?? '?'} ${String(from?.hash ?? '').slice(0, 12)}…, but the global chain ends at #${legacy.sequence} ${legacy.hash.slice(0, 12)}…`,
    };
  return { previousHash: legacy.hash };
}

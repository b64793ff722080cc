import { CHAIN_STARTED } from '../core/audit.ts';
import type { Repositories } from '../core/ports.ts';
import type { AuditChainRow } from '../features/evidence-pack/port.ts';
import { eventProblem, type SegmentEnd } from './audit-segment.ts';
import type { PackFile } from './pack-manifest.ts';
import type { ZipEntryWriter } from './pack-zip.ts';

/**
 * legacy-audit-log.jsonl: the workspace's events from before the per-workspace chains, for a store
 * migrated from the one global chain (chain -1). That chain also holds other workspaces' events, so it
 * cannot be in the pack whole; instead the file holds the workspace's own events of it, each with its
 * previous hash (so each event's hash recomputes on its own), and the genesis event of the workspace's
 * chain (`audit.chain_started`, sequence 1), which records the global head it continues from and how
 * many of the workspace's events the global chain holds.
 *
 *   {"legacy":{"format":"aims-legacy-segment/1","workspaceId":3,"genesis":{"sequence":1,"at":"…","action":"audit.chain_started","subject":"chain:3","previousHash":"…","hash":"…","payload":"…"}}}
 *   {"sequence":41,"at":"…","action":"…","subject":"incident:4","previousHash":"…","hash":"…","payload":"<canonical JSON>"}
 *   {"sequence":57,"link":true,"previousHash":"…","hash":"…"}
 *
 * Events of the workspace stamped in the period carry their payload; its events outside the period are
 * links (sequence, previous hash, hash), so the lines can be counted against the genesis event's count.
 * What the file cannot prove, without the other workspaces' events: that an event of the workspace
 * between two lines was not removed and another line put in its place (the count would still agree), nor
 * anything of the links' content. Two lines of consecutive global sequences must link, and the last line,
 * when it is the global head, must be the head the genesis event names.
 */

export const LEGACY_FILE = 'legacy-audit-log.jsonl';
export const LEGACY_FORMAT = 'aims-legacy-segment/1';
const PAGE = 1000;

/** What manifest.json says of legacy-audit-log.jsonl (and what verify finds in it). */
export interface LegacySummary {
  /** The workspace chain's genesis event (its sequence 1). */
  genesis: SegmentEnd;
  /** The global head the genesis event continues from. */
  continuesFrom: SegmentEnd;
  /** How many of the workspace's events the global chain holds, as the genesis event records it. */
  legacyEvents: number;
  /** Lines with their payload: the workspace's events of the global chain stamped in the period. */
  events: number;
  /** Lines that are links only: the workspace's events of the global chain outside the period. */
  links: number;
}

interface GenesisAfter {
  continuesFrom?: { sequence?: unknown; hash?: unknown };
  legacyEvents?: unknown;
}

const fullLine = (row: AuditChainRow) => ({
  sequence: row.sequence,
  at: row.at,
  action: row.action,
  subject: row.subject,
  previousHash: row.previousHash,
  hash: row.hash,
  payload: row.payload,
});

/**
 * Writes legacy-audit-log.jsonl through `open()` when the workspace's chain continues the global chain
 * (its first event is a genesis event), page by page; null (and no file) on a store that never had a
 * global chain.
 */
export async function writeLegacySegment(
  repos: Repositories,
  workspaceId: number,
  period: { from: string; to: string },
  open: () => ZipEntryWriter,
): Promise<{ file: PackFile; summary: LegacySummary } | null> {
  const genesis = await repos.auditSegment.chainStart(workspaceId);
  if (!genesis || genesis.action !== CHAIN_STARTED) return null;
  const after = (JSON.parse(genesis.payload) as { after?: GenesisAfter }).after ?? {};
  const entry = open();
  entry.push(`${JSON.stringify({ legacy: { format: LEGACY_FORMAT, workspaceId, genesis: fullLine(genesis) } })}\n`);
  let events = 0;
  let links = 0;
  let last = 0;
  for (;;) {
    const page = await repos.auditSegment.legacyPage(workspaceId, last, PAGE);
    for (const row of page) {
      if (row.at >= period.from && row.at < period.to) {
        events += 1;
        entry.push(`${JSON.stringify(fullLine(row))}\n`);
      } else {
        links += 1;
        entry.push(`${JSON.stringify({ sequence: row.sequence, link: true, previousHash: row.previousHash, hash: row.hash })}\n`);
      }
    }
    if (page.length < PAGE) break;
    last = page.at(-1)?.sequence ?? last;
  }
  return {
    file: entry.end(),
    summary: {
      genesis: { sequence: genesis.sequence, hash: genesis.hash },
      continuesFrom: { sequence: Number(after.continuesFrom?.sequence), hash: String(after.continuesFrom?.hash) },
      legacyEvents: Number(after.legacyEvents),
      events,
      links,
    },
  };
}

export type LegacyCheck = { ok: true; summary: LegacySummary } | { ok: false; problem: string };

/** Checks legacy-audit-log.jsonl a line at a time against its genesis event; the first problem ends the check. */
export class LegacyReader {
  private problem: string | undefined;
  private genesis: { end: SegmentEnd; continuesFrom: SegmentEnd; legacyEvents: number } | undefined;
  private previous: SegmentEnd | undefined;
  private events = 0;
  private links = 0;

  constructor(
    private readonly workspaceId: number,
    private readonly period: { from: string; to: string },
  ) {}

  line(text: string, lineNo: number): void {
    if (this.problem !== undefined) return;
    const fail = (why: string) => {
      this.problem = `${LEGACY_FILE} line ${lineNo}: ${why}`;
    };
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return fail('not JSON');
    }
    if (!this.genesis) {
      const header = entry.legacy as { format?: unknown; workspaceId?: unknown; genesis?: Record<string, unknown> } | undefined;
      if (!header || header.format !== LEGACY_FORMAT) return fail(`not a legacy segment header (${LEGACY_FORMAT})`);
      if (header.workspaceId !== this.workspaceId)
        return fail(`the events of workspace #${String(header.workspaceId)}, not #${this.workspaceId}`);
      const genesis = header.genesis ?? {};
      const { sequence, hash } = genesis;
      if (sequence !== 1 || typeof hash !== 'string') return fail("the genesis event is not the workspace chain's sequence 1");
      const problem = eventProblem(genesis, 1, hash, this.workspaceId);
      if (problem) return fail(`genesis ${problem}`);
      if (genesis.action !== CHAIN_STARTED) return fail(`the genesis event is ${String(genesis.action)}, not ${CHAIN_STARTED}`);
      const after = (JSON.parse(String(genesis.payload)) as { after?: GenesisAfter }).after ?? {};
      const from = after.continuesFrom ?? {};
      if (typeof from.sequence !== 'number' || typeof from.hash !== 'string' || typeof after.legacyEvents !== 'number')
        return fail('the genesis event records no global head or count');
      if (genesis.previousHash !== from.hash) return fail('the genesis event does not link to the global head it names');
      this.genesis = {
        end: { sequence: 1, hash },
        continuesFrom: { sequence: from.sequence, hash: from.hash },
        legacyEvents: after.legacyEvents,
      };
      return;
    }
    const { sequence, hash, previousHash } = entry;
    if (typeof sequence !== 'number' || typeof hash !== 'string' || typeof previousHash !== 'string')
      return fail('has no sequence, hash or previous hash');
    if (this.previous && sequence <= this.previous.sequence)
      return fail(`event #${sequence} comes after #${this.previous.sequence} (out of order or repeated)`);
    if (sequence > this.genesis.continuesFrom.sequence)
      return fail(`event #${sequence} is after the global head #${this.genesis.continuesFrom.sequence} the genesis event names`);
    if (this.previous && sequence === this.previous.sequence + 1 && previousHash !== this.previous.hash)
      return fail(`event #${sequence} does not link to #${this.previous.sequence} before it (an event was changed)`);
    if (sequence === this.genesis.continuesFrom.sequence && hash !== this.genesis.continuesFrom.hash)
      return fail(`event #${sequence} is not the global head the genesis event names`);
    if (entry.link === true) this.links += 1;
    else {
      const problem = eventProblem(entry, sequence, hash, this.workspaceId);
      if (problem) return fail(problem);
      const at = String(entry.at);
      if (at < this.period.from || at >= this.period.to) return fail(`event #${sequence} is stamped ${at}, outside the pack's period`);
      this.events += 1;
    }
    this.previous = { sequence, hash };
  }

  end(lines: number): LegacyCheck {
    if (this.problem !== undefined) return { ok: false, problem: this.problem };
    if (!this.genesis) return { ok: false, problem: `${LEGACY_FILE} line ${lines + 1}: not a legacy segment header (${LEGACY_FORMAT})` };
    const found = this.events + this.links;
    if (found !== this.genesis.legacyEvents)
      return {
        ok: false,
        problem: `${LEGACY_FILE}: ${found} event(s) of the workspace, its genesis event records ${this.genesis.legacyEvents} in the global chain (${
          found < this.genesis.legacyEvents ? 'an event is missing' : 'an event was added'
        })`,
      };
    return {
      ok: true,
      summary: {
        genesis: this.genesis.end,
        continuesFrom: this.genesis.continuesFrom,
        legacyEvents: this.genesis.legacyEvents,
        events: this.events,
        links: this.links,
      },
    };
  }
}

import { createHash } from 'node:crypto';
import type { Repositories } from '../core/ports.ts';

/**
 * The one file that knows how a workspace's part of the audit chain is cut out for a pack
 * (audit-log.jsonl) and checked on its own. Each workspace has its own chain (core/audit.ts), so the
 * segment is that chain's events stamped in the period, in order, with the hash preceding the first:
 * it verifies with nothing else. A line that is only a link (sequence, previous hash, hash: nothing of
 * its content) stands for an event of the chain outside the period; the reader accepts it so the
 * continuity stays checkable.
 *
 * audit-log.jsonl: line 1 the header, then one line per event in chain order:
 *   {"segment":{"format":"aims-audit-segment/1","workspaceId":3,"previousHash":"…","events":12}}
 *   {"sequence":41,"at":"…","action":"…","subject":"incident:4","previousHash":"…","hash":"…","payload":"<canonical JSON>"}
 *   {"sequence":42,"link":true,"previousHash":"…","hash":"…"}
 */

export const SEGMENT_FORMAT = 'aims-audit-segment/1';
const PAGE = 1000;

export interface SegmentEnd {
  sequence: number;
  hash: string;
}

export interface SegmentSummary {
  workspaceId: number;
  previousHash: string | null;
  events: number;
  first: SegmentEnd | null;
  last: SegmentEnd | null;
}

/** One of the workspace's events in the segment, as the pack cites it. */
export interface SegmentEvent {
  sequence: number;
  at: string;
  action: string;
  subject: string;
  hash: string;
}

const sha256 = (previousHash: string, payload: string): string => createHash('sha256').update(previousHash).update(payload).digest('hex');

/**
 * Writes the workspace's events stamped in [from, to) as audit-log.jsonl lines (each without its line
 * end) through `line`, page by page, and tells each of the workspace's events to `visit`.
 */
export async function writeAuditSegment(
  repos: Repositories,
  workspaceId: number,
  period: { from: string; to: string },
  line: (text: string) => void,
  visit: (event: SegmentEvent) => void,
): Promise<SegmentSummary> {
  const bounds = await repos.auditSegment.bounds(workspaceId, period);
  let previousHash: string | null = null;
  let events = 0;
  let firstEnd: SegmentEnd | null = null;
  let lastEnd: SegmentEnd | null = null;
  const body: string[] = [];
  const flush = () => {
    for (const text of body) line(text);
    body.length = 0;
  };
  // The header names the preceding hash, known only from the first row: the body waits for it.
  let headerWritten = false;
  if (bounds) {
    let after = bounds.first - 1;
    for (;;) {
      const page = await repos.auditSegment.page(workspaceId, after, bounds.last, PAGE);
      if (page.length === 0) break;
      for (const row of page) {
        if (previousHash === null) previousHash = row.previousHash;
        const ours = row.workspaceId === workspaceId && row.at >= period.from && row.at < period.to;
        if (ours) {
          events += 1;
          firstEnd ??= { sequence: row.sequence, hash: row.hash };
          lastEnd = { sequence: row.sequence, hash: row.hash };
          visit({ sequence: row.sequence, at: row.at, action: row.action, subject: row.subject, hash: row.hash });
          body.push(
            JSON.stringify({
              sequence: row.sequence,
              at: row.at,
              action: row.action,
              subject: row.subject,
              previousHash: row.previousHash,
              hash: row.hash,
              payload: row.payload,
            }),
          );
        } else body.push(JSON.stringify({ sequence: row.sequence, link: true, previousHash: row.previousHash, hash: row.hash }));
      }
      after = page.at(-1)?.sequence ?? bounds.last;
      if (!headerWritten) {
        // The count is only known at the end: the header carries the preceding hash, the manifest the count.
        line(JSON.stringify({ segment: { format: SEGMENT_FORMAT, workspaceId, previousHash } }));
        headerWritten = true;
      }
      flush();
      if (after >= bounds.last) break;
    }
  }
  if (!headerWritten) line(JSON.stringify({ segment: { format: SEGMENT_FORMAT, workspaceId, previousHash: null } }));
  return { workspaceId, previousHash, events, first: firstEnd, last: lastEnd };
}

export type SegmentCheck = { ok: true; summary: SegmentSummary; events: Map<number, SegmentEvent> } | { ok: false; problem: string };

/**
 * Checks audit-log.jsonl a line at a time (so a long segment never sits in memory): every event's hash,
 * its payload against its columns, and that each line follows the one before. Only the events `keep`
 * asks for (the ones the manifest cites) are kept; the first problem ends the check.
 */
export class SegmentReader {
  private header: { workspaceId: number; previousHash: string | null } | undefined;
  private problem: string | undefined;
  private expectedPrevious: string | null = null;
  private expectedSequence: number | null = null;
  private count = 0;
  private firstEnd: SegmentEnd | null = null;
  private lastEnd: SegmentEnd | null = null;
  private readonly kept = new Map<number, SegmentEvent>();

  constructor(
    private readonly keep: (sequence: number) => boolean = () => true,
    private readonly file = 'audit-log.jsonl',
  ) {}

  line(text: string, lineNo: number): void {
    if (this.problem !== undefined) return;
    const fail = (why: string) => {
      this.problem = `${this.file} line ${lineNo}: ${why}`;
    };
    if (!this.header) {
      let header: { format?: unknown; workspaceId?: unknown; previousHash?: unknown } | undefined;
      try {
        header = (JSON.parse(text) as { segment?: typeof header }).segment;
      } catch {
        return fail('not JSON');
      }
      if (!header || header.format !== SEGMENT_FORMAT || typeof header.workspaceId !== 'number')
        return fail(`not a segment header (${SEGMENT_FORMAT})`);
      const previousHash = typeof header.previousHash === 'string' ? header.previousHash : null;
      this.header = { workspaceId: header.workspaceId, previousHash };
      this.expectedPrevious = previousHash;
      return;
    }
    const workspaceId = this.header.workspaceId;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return fail('not JSON');
    }
    const { sequence, hash } = entry;
    if (typeof sequence !== 'number' || typeof hash !== 'string' || typeof entry.previousHash !== 'string')
      return fail('has no sequence, hash or previous hash');
    if (this.expectedSequence !== null && sequence !== this.expectedSequence)
      return fail(`event #${sequence} does not follow #${this.expectedSequence - 1} (an event is missing or out of order)`);
    if (entry.previousHash !== this.expectedPrevious)
      return fail(`event #${sequence} does not link to the hash before it (an event is missing or was changed)`);
    if (entry.link !== true) {
      const problem = eventProblem(entry, sequence, hash, workspaceId);
      if (problem) return fail(problem);
      if (this.keep(sequence))
        this.kept.set(sequence, { sequence, at: String(entry.at), action: String(entry.action), subject: String(entry.subject), hash });
      this.count += 1;
      this.firstEnd ??= { sequence, hash };
      this.lastEnd = { sequence, hash };
    }
    this.expectedSequence = sequence + 1;
    this.expectedPrevious = hash;
  }

  end(lines: number): SegmentCheck {
    if (this.problem !== undefined) return { ok: false, problem: this.problem };
    if (!this.header) return { ok: false, problem: `${this.file} line ${lines + 1}: not a segment header (${SEGMENT_FORMAT})` };
    const { workspaceId, previousHash } = this.header;
    return {
      ok: true,
      summary: { workspaceId, previousHash, events: this.count, first: this.firstEnd, last: this.lastEnd },
      events: this.kept,
    };
  }
}

/** What is wrong with one full event line (its hash, its payload against its columns, its workspace), or undefined. */
export function eventProblem(entry: Record<string, unknown>, sequence: number, hash: string, workspaceId: number): string | undefined {
  if (typeof entry.payload !== 'string') return `event #${sequence} has no payload`;
  if (typeof entry.previousHash !== 'string' || sha256(entry.previousHash, entry.payload) !== hash)
    return `event #${sequence}: its hash is not the sha256 of its payload`;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(entry.payload) as Record<string, unknown>;
  } catch {
    return `event #${sequence}: payload is not JSON`;
  }
  for (const key of ['sequence', 'at', 'action', 'subject'] as const)
    if (payload[key] !== entry[key]) return `event #${sequence}: ${key} differs from what its payload says`;
  if (payload.workspaceId !== workspaceId) return `event #${sequence} is not of workspace #${workspaceId}`;
  return undefined;
}

/** Checks a whole audit-log.jsonl held as text (tests and small packs; the pack's check streams it through SegmentReader). */
export function verifyAuditSegment(text: string): SegmentCheck {
  const reader = new SegmentReader();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => reader.line(line, i + 1));
  return reader.end(lines.length);
}

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

/** Checks audit-log.jsonl on its own: every event's hash, its payload against its columns, and that each line follows the one before. */
export function verifyAuditSegment(text: string): SegmentCheck {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const fail = (lineNo: number, why: string): SegmentCheck => ({ ok: false, problem: `audit-log.jsonl line ${lineNo}: ${why}` });
  let header: { format?: unknown; workspaceId?: unknown; previousHash?: unknown } | undefined;
  try {
    header = (JSON.parse(lines[0] ?? '') as { segment?: typeof header }).segment;
  } catch {
    return fail(1, 'not JSON');
  }
  if (!header || header.format !== SEGMENT_FORMAT || typeof header.workspaceId !== 'number')
    return fail(1, `not a segment header (${SEGMENT_FORMAT})`);
  const workspaceId = header.workspaceId;
  const previousHash = typeof header.previousHash === 'string' ? header.previousHash : null;
  let expectedPrevious = previousHash;
  let expectedSequence: number | null = null;
  const events = new Map<number, SegmentEvent>();
  let firstEnd: SegmentEnd | null = null;
  let lastEnd: SegmentEnd | null = null;
  for (let i = 1; i < lines.length; i += 1) {
    const lineNo = i + 1;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(lines[i] ?? '') as Record<string, unknown>;
    } catch {
      return fail(lineNo, 'not JSON');
    }
    const { sequence, hash } = entry;
    if (typeof sequence !== 'number' || typeof hash !== 'string' || typeof entry.previousHash !== 'string')
      return fail(lineNo, 'has no sequence, hash or previous hash');
    if (expectedSequence !== null && sequence !== expectedSequence)
      return fail(lineNo, `event #${sequence} does not follow #${expectedSequence - 1} (an event is missing or out of order)`);
    if (entry.previousHash !== expectedPrevious)
      return fail(lineNo, `event #${sequence} does not link to the hash before it (an event is missing or was changed)`);
    if (entry.link !== true) {
      if (typeof entry.payload !== 'string') return fail(lineNo, `event #${sequence} has no payload`);
      if (sha256(entry.previousHash, entry.payload) !== hash)
        return fail(lineNo, `event #${sequence}: its hash is not the sha256 of its payload`);
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(entry.payload) as Record<string, unknown>;
      } catch {
        return fail(lineNo, `event #${sequence}: payload is not JSON`);
      }
      for (const key of ['sequence', 'at', 'action', 'subject'] as const)
        if (payload[key] !== entry[key]) return fail(lineNo, `event #${sequence}: ${key} differs from what its payload says`);
      if (payload.workspaceId !== workspaceId) return fail(lineNo, `event #${sequence} is not of workspace #${workspaceId}`);
      events.set(sequence, { sequence, at: String(entry.at), action: String(entry.action), subject: String(entry.subject), hash });
      firstEnd ??= { sequence, hash };
      lastEnd = { sequence, hash };
    }
    expectedSequence = sequence + 1;
    expectedPrevious = hash;
  }
  return { ok: true, summary: { workspaceId, previousHash, events: events.size, first: firstEnd, last: lastEnd }, events };
}

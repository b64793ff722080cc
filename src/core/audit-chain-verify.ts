import { createHash } from 'node:crypto';
import type { AuditHead, AuditVerification } from './audit.ts';
import { canonicalJson } from './canonical-json.ts';

/** The hash before the first event of a chain that continues nothing. */
export const GENESIS_HASH = '0'.repeat(64);

/** hash = sha256(previous hash as its 64 hex characters, then the canonical JSON payload), hex. */
export function chainHash(previousHash: string, payload: string): string {
  return createHash('sha256').update(previousHash).update(payload).digest('hex');
}

/**
 * One stored audit event as the chain holds it: the columns, the canonical JSON that was hashed
 * (`payload`, byte for byte) and the two hashes. This is the row of the audit_events table and the
 * line of an evidence pack's audit-log.jsonl.
 */
export interface AuditEventRecord {
  /** Position in its chain, from 1. */
  sequence: number;
  at: string;
  workspaceId: number | null;
  actorPersonId: number | null;
  actor: string;
  action: string;
  subject: string;
  /** canonicalJson({sequence, at, workspaceId, actorPersonId, actor, action, subject, before, after}). */
  payload: string;
  previousHash: string;
  hash: string;
}

export interface SegmentOptions {
  /** The sequence the first event must have (default: whatever the first event says). */
  firstSequence?: number;
  /** Every event must belong to this workspace (null: the system chain); unset: the first event's, whichever. */
  workspaceId?: number | null;
  /** The global chain of a store written before chains were per workspace: events of any workspace. */
  mixedWorkspaces?: boolean;
}

/**
 * Walks one chain event by event, holding only the last hash: each event must follow the one before
 * (next sequence, its previous hash the hash before), its hash must be chainHash(previous hash,
 * payload), its payload canonical JSON, and its columns what the payload says. All events of one
 * chain are of one workspace (or none). No store: the same check runs on the database and on a file.
 */
export class ChainWalker {
  private expectedSequence: number | undefined;
  private workspaceId: number | null | undefined;
  private previous: string;
  private readonly mixed: boolean;
  private count = 0;
  private failure: { sequence: number; reason: string } | undefined;

  constructor(previousHash: string, options: SegmentOptions = {}) {
    this.previous = previousHash;
    this.expectedSequence = options.firstSequence;
    this.workspaceId = options.workspaceId;
    this.mixed = options.mixedWorkspaces ?? false;
  }

  /** Checks the next event; returns the problem (and stops accepting events) or undefined when it holds. */
  next(event: AuditEventRecord): string | undefined {
    if (this.failure) return this.failure.reason;
    const problem = eventProblem(event, this.expectedSequence ?? event.sequence, this.previous, this.mixed ? undefined : this.workspaceId);
    if (problem) {
      this.failure = { sequence: event.sequence, reason: problem };
      return problem;
    }
    this.expectedSequence = event.sequence + 1;
    this.workspaceId = event.workspaceId;
    this.previous = event.hash;
    this.count += 1;
    return undefined;
  }

  /** The hash of the last event accepted (the hash given at the start before any). */
  get lastHash(): string {
    return this.previous;
  }

  get head(): AuditHead | null {
    return this.count === 0 || this.expectedSequence === undefined ? null : { sequence: this.expectedSequence - 1, hash: this.previous };
  }

  result(): AuditVerification {
    if (this.failure) return { ok: false, events: this.count, firstBadSequence: this.failure.sequence, reason: this.failure.reason };
    return { ok: true, events: this.count, head: this.head };
  }
}

/**
 * Verifies a list of consecutive events of one chain, given the hash that precedes the first (GENESIS_HASH
 * for a chain's very first event). Pure: nothing is read but the arguments.
 */
export function verifyChainSegment(
  events: Iterable<AuditEventRecord>,
  previousHash: string,
  options: SegmentOptions = {},
): AuditVerification {
  const walker = new ChainWalker(previousHash, options);
  for (const event of events) if (walker.next(event) !== undefined) break;
  return walker.result();
}

function eventProblem(
  event: AuditEventRecord,
  expectedSequence: number,
  previousHash: string,
  workspaceId: number | null | undefined,
): string | undefined {
  if (event.sequence !== expectedSequence) return `expected sequence ${expectedSequence}, found ${event.sequence}`;
  if (event.previousHash !== previousHash) return 'previous hash does not match the hash of the event before';
  if (chainHash(event.previousHash, event.payload) !== event.hash) return 'hash does not match the recorded content';
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(event.payload) as Record<string, unknown>;
  } catch {
    return 'recorded content is not valid JSON';
  }
  if (canonicalJson(payload) !== event.payload) return 'recorded content is not in canonical form';
  const columns: Array<[string, unknown]> = [
    ['sequence', event.sequence],
    ['at', event.at],
    ['workspaceId', event.workspaceId],
    ['actorPersonId', event.actorPersonId],
    ['actor', event.actor],
    ['action', event.action],
    ['subject', event.subject],
  ];
  for (const [name, value] of columns) {
    if ((payload[name] ?? null) !== value) return `column ${name} differs from the recorded content`;
  }
  if (workspaceId !== undefined && event.workspaceId !== workspaceId)
    return `event of ${event.workspaceId === null ? 'no workspace' : `workspace #${event.workspaceId}`} in the chain of ${workspaceId === null ? 'the system' : `workspace #${workspaceId}`}`;
  return undefined;
}

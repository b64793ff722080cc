import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { AuditEventInput, AuditHead, AuditVerification } from '../../core/audit.ts';
import type { AuditLog } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { auditEvents } from '../schema/audit.ts';
import { canonicalJson } from '../../core/canonical-json.ts';

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(previousHash: string, payload: string): string {
  return createHash('sha256').update(previousHash).update(payload).digest('hex');
}

/** Appends and reads the hash-chained audit log. */
export class SqliteAuditLog implements AuditLog {
  constructor(
    private readonly db: Db,
    private readonly inWriteTransaction: () => boolean,
  ) {}

  async append(event: AuditEventInput, at: string): Promise<AuditHead> {
    // Reading the head and inserting after it is only safe under the write lock.
    if (!this.inWriteTransaction()) throw new Error('audit events must be appended inside a write transaction');
    const head = await this.head();
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
    const hash = chainHash(previousHash, payload);
    this.db
      .insert(auditEvents)
      .values({
        sequence,
        at,
        workspaceId: event.workspaceId,
        actorPersonId: event.actorPersonId,
        actor: event.actor,
        action: event.action,
        subject: event.subject,
        payload,
        previousHash,
        hash,
      })
      .run();
    return { sequence, hash };
  }

  async head(): Promise<AuditHead | null> {
    const row = this.db
      .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
      .from(auditEvents)
      .orderBy(desc(auditEvents.sequence))
      .limit(1)
      .get();
    return row ?? null;
  }

  async count(workspaceId?: number, period: { from?: string; to?: string } = {}): Promise<number> {
    const conditions: SQL[] = [];
    if (workspaceId !== undefined) conditions.push(eq(auditEvents.workspaceId, workspaceId));
    if (period.from !== undefined) conditions.push(gte(auditEvents.at, period.from));
    if (period.to !== undefined) conditions.push(lt(auditEvents.at, period.to));
    const query = this.db.select({ n: count() }).from(auditEvents);
    const row = conditions.length === 0 ? query.get() : query.where(and(...conditions)).get();
    return row?.n ?? 0;
  }
}

/** One verified event of the chain, as the cross-checks read it. */
export interface ChainEvent {
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

interface AuditRow {
  sequence: number;
  at: string;
  workspace_id: number | null;
  actor_person_id: number | null;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  previous_hash: string;
  hash: string;
}

/**
 * Walks the whole chain in order: each row must follow the previous one, its hash must be the
 * sha256 of the previous hash and its payload, and its columns must say what the payload says.
 * Streams rows so a long chain does not sit in memory; `visit` sees each event once it checked out.
 */
export function verifyAuditChain(sqlite: Database.Database, visit?: (event: ChainEvent) => void): AuditVerification {
  let expectedSequence = 1;
  let previousHash = GENESIS_HASH;
  let events = 0;
  const rows = sqlite.prepare('SELECT * FROM audit_events ORDER BY sequence').iterate() as IterableIterator<AuditRow>;
  for (const row of rows) {
    const problem = checkRow(row, expectedSequence, previousHash);
    if (problem) {
      // Stop the iterator before returning so the statement is released.
      rows.return?.();
      return { ok: false, events, firstBadSequence: row.sequence, reason: problem };
    }
    if (visit) {
      const payload = JSON.parse(row.payload) as { before?: unknown; after?: unknown };
      visit({
        sequence: row.sequence,
        hash: row.hash,
        at: row.at,
        workspaceId: row.workspace_id,
        actorPersonId: row.actor_person_id,
        action: row.action,
        subject: row.subject,
        before: payload.before ?? null,
        after: payload.after ?? null,
      });
    }
    events += 1;
    expectedSequence += 1;
    previousHash = row.hash;
  }
  return { ok: true, events, head: events === 0 ? null : { sequence: expectedSequence - 1, hash: previousHash } };
}

function checkRow(row: AuditRow, expectedSequence: number, previousHash: string): string | undefined {
  if (row.sequence !== expectedSequence) return `expected sequence ${expectedSequence}, found ${row.sequence}`;
  if (row.previous_hash !== previousHash) return 'previous hash does not match the hash of the event before';
  if (chainHash(row.previous_hash, row.payload) !== row.hash) return 'hash does not match the recorded content';
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(row.payload) as Record<string, unknown>;
  } catch {
    return 'recorded content is not valid JSON';
  }
  if (canonicalJson(payload) !== row.payload) return 'recorded content is not in canonical form';
  const columns: Array<[string, unknown]> = [
    ['sequence', row.sequence],
    ['at', row.at],
    ['workspaceId', row.workspace_id],
    ['actorPersonId', row.actor_person_id],
    ['actor', row.actor],
    ['action', row.action],
    ['subject', row.subject],
  ];
  for (const [name, value] of columns) {
    if ((payload[name] ?? null) !== value) return `column ${name} differs from the recorded content`;
  }
  return undefined;
}

import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { AuditEventInput, AuditHead, AuditVerification } from '../../core/audit.ts';
import type { AuditLog } from '../../core/ports.ts';
import { tables } from '../repositories/kernel-tables.ts';
import type { auditEvents } from '../schema/audit.ts';
import { first, runPrepared, type StoreDb } from '../store-db.ts';
import { canonicalJson } from '../../core/canonical-json.ts';

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(previousHash: string, payload: string): string {
  return createHash('sha256').update(previousHash).update(payload).digest('hex');
}

/** Appends and reads the hash-chained audit log. */
export class AuditChainStore implements AuditLog {
  constructor(
    private readonly s: StoreDb,
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
    // The sequence is the chain position, never generated: PostgreSQL's column has no identity behind it.
    await this.s.db.insert(tables(this.s).auditEvents).values({
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
    });
    return { sequence, hash };
  }

  async head(): Promise<AuditHead | null> {
    const { auditEvents } = tables(this.s);
    const row = first(
      await this.s.db
        .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
        .from(auditEvents)
        .orderBy(desc(auditEvents.sequence))
        .limit(1),
    );
    return row ?? null;
  }

  async versions(workspaceId: number): Promise<{ workspace: number | null; head: AuditHead | null }> {
    const { auditEvents } = tables(this.s);
    // One statement, two seeks: the workspace's last event (audit_events_workspace_ix) and the chain's head (the key).
    const rows = await runPrepared<{ workspace: number | null; sequence: number | null; hash: string | null }>(
      this.s,
      'audit_versions',
      () =>
        this.s.db
          .select({
            workspace: sql<
              number | null
            >`(select max(${auditEvents.sequence}) from ${auditEvents} where ${auditEvents.workspaceId} = ${sql.placeholder('workspaceId')})`,
            sequence: sql<number | null>`(select max(${auditEvents.sequence}) from ${auditEvents})`,
            hash: sql<string | null>`(select ${auditEvents.hash} from ${auditEvents} order by ${auditEvents.sequence} desc limit 1)`,
          })
          .from(sql`(select 1) as one`),
      { workspaceId },
    );
    const row = rows[0];
    const sequence = row?.sequence === null || row?.sequence === undefined ? null : Number(row.sequence);
    return {
      workspace: row?.workspace === null || row?.workspace === undefined ? null : Number(row.workspace),
      head: sequence === null || !row?.hash ? null : { sequence, hash: row.hash },
    };
  }

  async count(workspaceId?: number, period: { from?: string; to?: string } = {}): Promise<number> {
    const { auditEvents } = tables(this.s);
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

type AuditRow = typeof auditEvents.$inferSelect;

/** Rows read per query while walking the chain: bounded memory on a long chain, few round trips. */
const CHAIN_PAGE = 500;

/**
 * Walks the whole chain in order: each row must follow the previous one, its hash must be the
 * sha256 of the previous hash and its payload, and its columns must say what the payload says.
 * Reads the rows page by page (after the last sequence seen) so a long chain does not sit in memory;
 * `visit` sees each event once it checked out.
 */
export async function verifyAuditChain(s: StoreDb, visit?: (event: ChainEvent) => void): Promise<AuditVerification> {
  const { auditEvents: table } = tables(s);
  let expectedSequence = 1;
  let previousHash = GENESIS_HASH;
  let events = 0;
  let after: number | undefined;
  for (;;) {
    const rows: AuditRow[] = await s.db
      .select()
      .from(table)
      .where(after === undefined ? undefined : gt(table.sequence, after))
      .orderBy(asc(table.sequence))
      .limit(CHAIN_PAGE);
    for (const row of rows) {
      const problem = checkRow(row, expectedSequence, previousHash);
      if (problem) return { ok: false, events, firstBadSequence: row.sequence, reason: problem };
      if (visit) {
        const payload = JSON.parse(row.payload) as { before?: unknown; after?: unknown };
        visit({
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
      events += 1;
      expectedSequence += 1;
      previousHash = row.hash;
    }
    if (rows.length < CHAIN_PAGE) break;
    after = rows[rows.length - 1]?.sequence;
  }
  return { ok: true, events, head: events === 0 ? null : { sequence: expectedSequence - 1, hash: previousHash } };
}

function checkRow(row: AuditRow, expectedSequence: number, previousHash: string): string | undefined {
  if (row.sequence !== expectedSequence) return `expected sequence ${expectedSequence}, found ${row.sequence}`;
  if (row.previousHash !== previousHash) return 'previous hash does not match the hash of the event before';
  if (chainHash(row.previousHash, row.payload) !== row.hash) return 'hash does not match the recorded content';
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
    ['workspaceId', row.workspaceId],
    ['actorPersonId', row.actorPersonId],
    ['actor', row.actor],
    ['action', row.action],
    ['subject', row.subject],
  ];
  for (const [name, value] of columns) {
    if ((payload[name] ?? null) !== value) return `column ${name} differs from the recorded content`;
  }
  return undefined;
}

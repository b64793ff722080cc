import { and, asc, desc, eq, gt, gte, lt, lte, max, min } from 'drizzle-orm';
import { chainOf, LEGACY_CHAIN } from '../../core/audit.ts';
import type { Repositories } from '../../core/ports.ts';
import { tables } from '../../store/repositories/kernel-tables.ts';
import { first, type StoreDb } from '../../store/store-db.ts';
import type { AuditChainRow, AuditSegmentRepository } from './port.ts';

/** The evidence pack's reads of the audit chain (audit_events, a kernel table; read only). */
export class AuditSegmentStore implements AuditSegmentRepository {
  constructor(private readonly s: StoreDb) {}

  async bounds(workspaceId: number, period: { from: string; to: string }): Promise<{ first: number; last: number } | undefined> {
    const { auditEvents: t } = tables(this.s);
    const row = first(
      await this.s.db
        .select({ first: min(t.sequence), last: max(t.sequence) })
        .from(t)
        .where(and(eq(t.chain, chainOf(workspaceId)), gte(t.at, period.from), lt(t.at, period.to))),
    );
    return row?.first === null || row?.first === undefined || row.last === null
      ? undefined
      : { first: Number(row.first), last: Number(row.last) };
  }

  async page(workspaceId: number, after: number, last: number, limit: number): Promise<AuditChainRow[]> {
    const { auditEvents: t } = tables(this.s);
    const rows = await this.s.db
      .select(this.columns())
      .from(t)
      .where(and(eq(t.chain, chainOf(workspaceId)), gt(t.sequence, after), lte(t.sequence, last)))
      .orderBy(asc(t.sequence))
      .limit(limit);
    return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
  }

  async chainStart(workspaceId: number): Promise<AuditChainRow | undefined> {
    const { auditEvents: t } = tables(this.s);
    const row = first(
      await this.s.db
        .select(this.columns())
        .from(t)
        .where(and(eq(t.chain, chainOf(workspaceId)), eq(t.sequence, 1))),
    );
    return row ? { ...row, sequence: Number(row.sequence) } : undefined;
  }

  async legacyPage(workspaceId: number, after: number, limit: number): Promise<AuditChainRow[]> {
    const { auditEvents: t } = tables(this.s);
    const rows = await this.s.db
      .select(this.columns())
      .from(t)
      .where(and(eq(t.chain, LEGACY_CHAIN), eq(t.workspaceId, workspaceId), gt(t.sequence, after)))
      .orderBy(asc(t.sequence))
      .limit(limit);
    return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
  }

  private columns() {
    const { auditEvents: t } = tables(this.s);
    return {
      sequence: t.sequence,
      at: t.at,
      workspaceId: t.workspaceId,
      action: t.action,
      subject: t.subject,
      payload: t.payload,
      previousHash: t.previousHash,
      hash: t.hash,
    };
  }

  async latest(workspaceId: number): Promise<{ sequence: number; hash: string } | undefined> {
    const { auditEvents: t } = tables(this.s);
    const row = first(
      await this.s.db
        .select({ sequence: t.sequence, hash: t.hash })
        .from(t)
        .where(eq(t.chain, chainOf(workspaceId)))
        .orderBy(desc(t.sequence))
        .limit(1),
    );
    return row ? { sequence: Number(row.sequence), hash: row.hash } : undefined;
  }
}

export const evidencePackRepositories = (s: StoreDb): Pick<Repositories, 'auditSegment'> => ({ auditSegment: new AuditSegmentStore(s) });

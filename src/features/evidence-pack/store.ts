import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, max, min, or, sql, type SQL } from 'drizzle-orm';
import { chainOf, LEGACY_CHAIN } from '../../core/audit.ts';
import type { Repositories } from '../../core/ports.ts';
import { tables } from '../../store/repositories/kernel-tables.ts';
import { dialectTables, first, type StoreDb } from '../../store/store-db.ts';
import type {
  AuditChainRow,
  AuditSegmentRepository,
  BuiltFields,
  PackRequestInput,
  PackRequestRecord,
  PackRequestRepository,
} from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

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

const requestColumns = (t: typeof sqliteTables.evidencePackRequests) => ({
  id: t.id,
  workspaceId: t.workspaceId,
  personId: t.personId,
  platform: t.platform,
  actor: t.actor,
  periodFrom: t.periodFrom,
  periodTo: t.periodTo,
  state: t.state,
  openKey: t.openKey,
  createdAt: t.createdAt,
  claimedBy: t.claimedBy,
  leaseUntil: t.leaseUntil,
  nextAttemptAt: t.nextAttemptAt,
  sends: t.sends,
  attempts: t.attempts,
  filename: t.filename,
  manifestSha256: t.manifestSha256,
  packSha256: t.packSha256,
  events: t.events,
  signed: t.signed,
  linkId: t.linkId,
  linkKey: t.linkKey,
  linkExpiresAt: t.linkExpiresAt,
  deliveredAt: t.deliveredAt,
  finishedAt: t.finishedAt,
  lastError: t.lastError,
  failureCode: t.failureCode,
});

/** The `/aims export` requests (evidence_pack_requests), the same code on SQLite and PostgreSQL; the zip is kept as base64 text. */
export class PackRequestStore implements PackRequestRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = dialectTables(s, sqliteTables, pgTables);
  }

  private async one(where: SQL | undefined): Promise<PackRequestRecord | undefined> {
    const t = this.t.evidencePackRequests;
    return first(await this.s.db.select(requestColumns(t)).from(t).where(where).limit(1));
  }

  async insert(input: PackRequestInput): Promise<PackRequestRecord | undefined> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .insert(t)
      .values({ ...input, state: 'pending', sends: 0 })
      .onConflictDoNothing({ target: t.openKey })
      .returning(requestColumns(t));
    return first(rows);
  }

  async findOpen(openKey: string): Promise<PackRequestRecord | undefined> {
    return await this.one(eq(this.t.evidencePackRequests.openKey, openKey));
  }

  async findById(id: number): Promise<PackRequestRecord | undefined> {
    return await this.one(eq(this.t.evidencePackRequests.id, id));
  }

  async findByLink(workspaceId: number, linkId: string): Promise<PackRequestRecord | undefined> {
    const t = this.t.evidencePackRequests;
    return await this.one(and(eq(t.workspaceId, workspaceId), eq(t.linkId, linkId)));
  }

  private free(now: string): SQL | undefined {
    const t = this.t.evidencePackRequests;
    return and(
      inArray(t.state, ['pending', 'built']),
      or(isNull(t.claimedBy), isNull(t.leaseUntil), lt(t.leaseUntil, now)),
      or(isNull(t.nextAttemptAt), lte(t.nextAttemptAt, now)),
    );
  }

  async due(now: string, limit: number): Promise<PackRequestRecord[]> {
    const t = this.t.evidencePackRequests;
    return await this.s.db.select(requestColumns(t)).from(t).where(this.free(now)).orderBy(asc(t.id)).limit(limit);
  }

  async claim(id: number, by: string, now: string, leaseUntil: string): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({ claimedBy: by, leaseUntil })
      .where(and(eq(t.id, id), this.free(now)))
      .returning({ id: t.id });
    return rows.length === 1;
  }

  async startBuild(id: number, by: string): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({ attempts: sql`${t.attempts} + 1` })
      .where(and(eq(t.id, id), eq(t.claimedBy, by), eq(t.state, 'pending')))
      .returning({ id: t.id });
    return rows.length === 1;
  }

  async renew(id: number, by: string, leaseUntil: string): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({ leaseUntil })
      .where(and(eq(t.id, id), eq(t.claimedBy, by), inArray(t.state, ['pending', 'built'])))
      .returning({ id: t.id });
    return rows.length === 1;
  }

  async markBuilt(id: number, by: string, built: BuiltFields): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({
        state: 'built',
        filename: built.filename,
        zip: built.zip.toString('base64'),
        manifestSha256: built.manifestSha256,
        packSha256: built.packSha256,
        events: built.events,
        signed: built.signed,
      })
      .where(and(eq(t.id, id), eq(t.claimedBy, by), eq(t.state, 'pending')))
      .returning({ id: t.id });
    return rows.length === 1;
  }

  async startSend(id: number, by: string, link?: { linkId: string; linkKey: string; linkExpiresAt: string }): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({ sends: sql`${t.sends} + 1`, ...(link ?? {}) })
      .where(and(eq(t.id, id), eq(t.claimedBy, by), eq(t.state, 'built')))
      .returning({ id: t.id });
    return rows.length === 1;
  }

  async markDelivered(id: number, at: string, dropZip: boolean): Promise<void> {
    const t = this.t.evidencePackRequests;
    await this.s.db
      .update(t)
      .set({ state: 'delivered', deliveredAt: at, ...(dropZip ? { zip: null } : {}) })
      .where(and(eq(t.id, id), eq(t.state, 'built')));
    await this.s.db.update(t).set({ claimedBy: null, leaseUntil: null, nextAttemptAt: null, openKey: null }).where(eq(t.id, id));
  }

  async retryLater(id: number, by: string, error: string, nextAttemptAt: string): Promise<void> {
    const t = this.t.evidencePackRequests;
    await this.s.db
      .update(t)
      .set({ claimedBy: null, leaseUntil: null, nextAttemptAt, lastError: error.slice(0, 500) })
      .where(and(eq(t.id, id), eq(t.claimedBy, by)));
  }

  async markFailed(id: number, code: string, error: string, at: string): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({
        state: 'failed',
        failureCode: code,
        zip: null,
        claimedBy: null,
        leaseUntil: null,
        nextAttemptAt: null,
        openKey: null,
        finishedAt: at,
        lastError: error.slice(0, 500),
      })
      .where(and(eq(t.id, id), inArray(t.state, ['pending', 'built'])))
      .returning({ id: t.id });
    return rows.length === 1;
  }

  async zipOf(id: number): Promise<Buffer | undefined> {
    const t = this.t.evidencePackRequests;
    const row = first(await this.s.db.select({ zip: t.zip }).from(t).where(eq(t.id, id)));
    return row?.zip ? Buffer.from(row.zip, 'base64') : undefined;
  }

  async takeDownload(id: number, at: string): Promise<Buffer | undefined> {
    const t = this.t.evidencePackRequests;
    const zip = await this.zipOf(id);
    if (!zip) return undefined;
    // Conditional: of two replicas serving the same link at once, one changes the row, the other none.
    const rows = await this.s.db
      .update(t)
      .set({ state: 'downloaded', zip: null, finishedAt: at })
      .where(and(eq(t.id, id), inArray(t.state, ['built', 'delivered']), isNotNull(t.zip), isNotNull(t.linkId)))
      .returning({ id: t.id });
    return rows.length === 1 ? zip : undefined;
  }

  private expired(nowMs: number): SQL | undefined {
    const t = this.t.evidencePackRequests;
    return and(eq(t.state, 'delivered'), isNotNull(t.zip), lte(t.linkExpiresAt, new Date(nowMs).toISOString()));
  }

  async anyExpired(nowMs: number): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    return (await this.s.db.select({ id: t.id }).from(t).where(this.expired(nowMs)).limit(1)).length > 0;
  }

  async expireLinks(nowMs: number, at: string): Promise<number> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({ state: 'expired', zip: null, finishedAt: at })
      .where(this.expired(nowMs))
      .returning({ id: t.id });
    return rows.length;
  }

  async claimed(): Promise<Array<{ id: number; claimedBy: string }>> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .select({ id: t.id, claimedBy: t.claimedBy })
      .from(t)
      .where(and(inArray(t.state, ['pending', 'built']), isNotNull(t.claimedBy)));
    return rows.flatMap((row) => (row.claimedBy ? [{ id: row.id, claimedBy: row.claimedBy }] : []));
  }

  async release(id: number, by: string): Promise<boolean> {
    const t = this.t.evidencePackRequests;
    const rows = await this.s.db
      .update(t)
      .set({ claimedBy: null, leaseUntil: null })
      .where(and(eq(t.id, id), eq(t.claimedBy, by)))
      .returning({ id: t.id });
    return rows.length === 1;
  }
}

export const evidencePackRepositories = (s: StoreDb): Pick<Repositories, 'auditSegment' | 'packRequests'> => ({
  auditSegment: new AuditSegmentStore(s),
  packRequests: new PackRequestStore(s),
});

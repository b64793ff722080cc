import { and, asc, desc, eq, gt, inArray, max } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { AuditArea, AuditFinding, InternalAudit, Nonconformity } from './domain.ts';
import type { InternalAuditRepository, NonconformityRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type AuditRow = typeof sqliteTables.internalAudits.$inferSelect;
const toAudit = (row: AuditRow): InternalAudit => ({
  ...row,
  clauses: JSON.parse(row.clauses) as string[],
  controls: JSON.parse(row.controls) as string[],
  systemIds: JSON.parse(row.systemIds) as number[],
  areas: JSON.parse(row.areas) as AuditArea[],
  auditorPersonIds: JSON.parse(row.auditorPersonIds) as number[],
});

/** The audit programme and its findings, the same code on SQLite and PostgreSQL; arrays are JSON text on both. */
export class InternalAuditStore implements InternalAuditRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async nextNumber(workspaceId: number): Promise<number> {
    const { internalAudits } = this.t;
    const row = first(
      await this.s.db
        .select({ n: max(internalAudits.number) })
        .from(internalAudits)
        .where(eq(internalAudits.workspaceId, workspaceId)),
    );
    return (row?.n ?? 0) + 1;
  }

  async insert(input: Omit<InternalAudit, 'id'>): Promise<InternalAudit> {
    const row = {
      ...input,
      clauses: JSON.stringify(input.clauses),
      controls: JSON.stringify(input.controls),
      systemIds: JSON.stringify(input.systemIds),
      areas: JSON.stringify(input.areas),
      auditorPersonIds: JSON.stringify(input.auditorPersonIds),
    };
    return toAudit(inserted(await this.s.db.insert(this.t.internalAudits).values(row).returning()));
  }

  async update(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<InternalAudit, 'status' | 'updatedAt' | 'completedAt'>>,
  ): Promise<void> {
    const { internalAudits } = this.t;
    await this.s.db
      .update(internalAudits)
      .set(changes)
      .where(and(eq(internalAudits.workspaceId, workspaceId), eq(internalAudits.id, id)));
  }

  async findByNumber(workspaceId: number, number: number): Promise<InternalAudit | undefined> {
    const { internalAudits } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(internalAudits)
        .where(and(eq(internalAudits.workspaceId, workspaceId), eq(internalAudits.number, number)))
        .limit(1),
    );
    return row ? toAudit(row) : undefined;
  }

  async findById(workspaceId: number, id: number): Promise<InternalAudit | undefined> {
    const { internalAudits } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(internalAudits)
        .where(and(eq(internalAudits.workspaceId, workspaceId), eq(internalAudits.id, id)))
        .limit(1),
    );
    return row ? toAudit(row) : undefined;
  }

  async all(workspaceId: number): Promise<InternalAudit[]> {
    const { internalAudits } = this.t;
    return (
      await this.s.db.select().from(internalAudits).where(eq(internalAudits.workspaceId, workspaceId)).orderBy(desc(internalAudits.number))
    ).map(toAudit);
  }

  async pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<InternalAudit[]> {
    const { internalAudits } = this.t;
    return (
      await this.s.db
        .select()
        .from(internalAudits)
        .where(
          and(eq(internalAudits.workspaceId, workspaceId), ...(afterNumber === undefined ? [] : [gt(internalAudits.number, afterNumber)])),
        )
        .orderBy(asc(internalAudits.number))
        .limit(limit)
    ).map(toAudit);
  }

  async findingsOf(workspaceId: number, auditIds: readonly number[]): Promise<AuditFinding[]> {
    if (auditIds.length === 0) return [];
    const { auditFindings } = this.t;
    return await this.s.db
      .select()
      .from(auditFindings)
      .where(and(eq(auditFindings.workspaceId, workspaceId), inArray(auditFindings.auditId, [...auditIds])))
      .orderBy(asc(auditFindings.auditId), asc(auditFindings.number));
  }

  async addFinding(input: Omit<AuditFinding, 'id' | 'number'>): Promise<AuditFinding> {
    const { auditFindings } = this.t;
    const last = first(
      await this.s.db
        .select({ n: max(auditFindings.number) })
        .from(auditFindings)
        .where(eq(auditFindings.auditId, input.auditId)),
    );
    return inserted(
      await this.s.db
        .insert(auditFindings)
        .values({ ...input, number: (last?.n ?? 0) + 1 })
        .returning(),
    );
  }

  async findings(workspaceId: number, auditId?: number): Promise<AuditFinding[]> {
    const { auditFindings } = this.t;
    return await this.s.db
      .select()
      .from(auditFindings)
      .where(and(eq(auditFindings.workspaceId, workspaceId), ...(auditId === undefined ? [] : [eq(auditFindings.auditId, auditId)])))
      .orderBy(asc(auditFindings.auditId), asc(auditFindings.number));
  }

  async findFinding(workspaceId: number, id: number): Promise<AuditFinding | undefined> {
    const { auditFindings } = this.t;
    return first(
      await this.s.db
        .select()
        .from(auditFindings)
        .where(and(eq(auditFindings.workspaceId, workspaceId), eq(auditFindings.id, id)))
        .limit(1),
    );
  }
}

/** The nonconformity register, the same code on SQLite and PostgreSQL. */
export class NonconformityStore implements NonconformityRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async nextNumber(workspaceId: number): Promise<number> {
    const { nonconformities } = this.t;
    const row = first(
      await this.s.db
        .select({ n: max(nonconformities.number) })
        .from(nonconformities)
        .where(eq(nonconformities.workspaceId, workspaceId)),
    );
    return (row?.n ?? 0) + 1;
  }

  async insert(input: Omit<Nonconformity, 'id'>): Promise<Nonconformity> {
    return inserted(await this.s.db.insert(this.t.nonconformities).values(input).returning());
  }

  async update(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<Nonconformity, 'status' | 'correctiveActionId' | 'checkerPersonId' | 'updatedAt' | 'closedAt'>>,
  ): Promise<void> {
    const { nonconformities } = this.t;
    await this.s.db
      .update(nonconformities)
      .set(changes)
      .where(and(eq(nonconformities.workspaceId, workspaceId), eq(nonconformities.id, id)));
  }

  private async one(workspaceId: number, where: ReturnType<typeof eq>): Promise<Nonconformity | undefined> {
    const { nonconformities } = this.t;
    return first(
      await this.s.db
        .select()
        .from(nonconformities)
        .where(and(eq(nonconformities.workspaceId, workspaceId), where))
        .limit(1),
    );
  }

  async findByNumber(workspaceId: number, number: number): Promise<Nonconformity | undefined> {
    return await this.one(workspaceId, eq(this.t.nonconformities.number, number));
  }

  async findById(workspaceId: number, id: number): Promise<Nonconformity | undefined> {
    return await this.one(workspaceId, eq(this.t.nonconformities.id, id));
  }

  async findByFinding(workspaceId: number, findingId: number): Promise<Nonconformity | undefined> {
    return await this.one(workspaceId, eq(this.t.nonconformities.findingId, findingId));
  }

  async all(workspaceId: number): Promise<Nonconformity[]> {
    const { nonconformities } = this.t;
    return await this.s.db
      .select()
      .from(nonconformities)
      .where(eq(nonconformities.workspaceId, workspaceId))
      .orderBy(desc(nonconformities.number));
  }

  async ofAudits(workspaceId: number, auditIds: readonly number[]): Promise<Nonconformity[]> {
    if (auditIds.length === 0) return [];
    const { nonconformities } = this.t;
    return await this.s.db
      .select()
      .from(nonconformities)
      .where(and(eq(nonconformities.workspaceId, workspaceId), inArray(nonconformities.auditId, [...auditIds])))
      .orderBy(desc(nonconformities.number));
  }
}

/** The area's repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function internalAuditRepositories(s: StoreDb): Pick<Repositories, 'internalAudits' | 'nonconformities'> {
  return { internalAudits: new InternalAuditStore(s), nonconformities: new NonconformityStore(s) };
}

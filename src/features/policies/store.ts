import { and, asc, count, eq, gt, inArray, max, or, sql } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { changedRows, dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { Audience, Policy, PolicyAcknowledgement, PolicyApproval, PolicyVersion } from './domain.ts';
import type { PolicyRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type VersionRow = typeof sqliteTables.policyVersions.$inferSelect;
const toVersion = (row: VersionRow): PolicyVersion => ({
  ...row,
  audience: row.audience === 'everyone' ? 'everyone' : (JSON.parse(row.audience) as Audience),
});
const audienceText = (audience: Audience) => (audience === 'everyone' ? 'everyone' : JSON.stringify(audience));

/** The policies' tables (policies, versions, approvals, acknowledgements), the same code on SQLite and PostgreSQL. */
export class PolicyStore implements PolicyRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async nextNumber(workspaceId: number): Promise<number> {
    const { policies } = this.t;
    return (
      (first(
        await this.s.db
          .select({ n: max(policies.number) })
          .from(policies)
          .where(eq(policies.workspaceId, workspaceId)),
      )?.n ?? 0) + 1
    );
  }

  async insert(input: Omit<Policy, 'id'>): Promise<Policy> {
    return inserted(await this.s.db.insert(this.t.policies).values(input).returning(), 'policies');
  }

  async update(workspaceId: number, id: number, changes: Partial<Pick<Policy, 'reviewScheduleId' | 'updatedAt'>>): Promise<void> {
    const { policies } = this.t;
    await this.s.db
      .update(policies)
      .set(changes)
      .where(and(eq(policies.workspaceId, workspaceId), eq(policies.id, id)));
  }

  private async findWhere(...conditions: Parameters<typeof and>): Promise<Policy | undefined> {
    return first(
      await this.s.db
        .select()
        .from(this.t.policies)
        .where(and(...conditions))
        .limit(1),
    );
  }

  async findById(workspaceId: number, id: number): Promise<Policy | undefined> {
    const { policies } = this.t;
    return await this.findWhere(eq(policies.workspaceId, workspaceId), eq(policies.id, id));
  }

  async findByNumber(workspaceId: number, number: number): Promise<Policy | undefined> {
    const { policies } = this.t;
    return await this.findWhere(eq(policies.workspaceId, workspaceId), eq(policies.number, number));
  }

  async findByNameKey(workspaceId: number, nameKey: string): Promise<Policy | undefined> {
    const { policies } = this.t;
    return await this.findWhere(eq(policies.workspaceId, workspaceId), eq(policies.nameKey, nameKey));
  }

  async all(workspaceId: number): Promise<Policy[]> {
    const { policies } = this.t;
    return await this.s.db.select().from(policies).where(eq(policies.workspaceId, workspaceId)).orderBy(asc(policies.number));
  }

  async insertVersion(input: Omit<PolicyVersion, 'id'>): Promise<PolicyVersion> {
    const row = inserted(
      await this.s.db
        .insert(this.t.policyVersions)
        .values({ ...input, audience: audienceText(input.audience) })
        .returning(),
      'policy_versions',
    );
    return toVersion(row);
  }

  async updateVersion(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<PolicyVersion, 'status' | 'approvedAt' | 'publishedAt' | 'publishedBy'>>,
  ): Promise<void> {
    const { policyVersions } = this.t;
    await this.s.db
      .update(policyVersions)
      .set(changes)
      .where(and(eq(policyVersions.workspaceId, workspaceId), eq(policyVersions.id, id)));
  }

  async findVersion(workspaceId: number, id: number): Promise<PolicyVersion | undefined> {
    const { policyVersions } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(policyVersions)
        .where(and(eq(policyVersions.workspaceId, workspaceId), eq(policyVersions.id, id)))
        .limit(1),
    );
    return row ? toVersion(row) : undefined;
  }

  async versions(workspaceId: number, policyId?: number): Promise<PolicyVersion[]> {
    const { policyVersions } = this.t;
    return (
      await this.s.db
        .select()
        .from(policyVersions)
        .where(and(eq(policyVersions.workspaceId, workspaceId), ...(policyId === undefined ? [] : [eq(policyVersions.policyId, policyId)])))
        .orderBy(asc(policyVersions.policyId), asc(policyVersions.version))
    ).map(toVersion);
  }

  async versionsPage(
    workspaceId: number,
    after: { policyId: number; version: number } | undefined,
    limit: number,
  ): Promise<PolicyVersion[]> {
    const { policyVersions: v } = this.t;
    const next =
      after === undefined
        ? undefined
        : or(gt(v.policyId, after.policyId), and(eq(v.policyId, after.policyId), gt(v.version, after.version)));
    return (
      await this.s.db
        .select()
        .from(v)
        .where(and(eq(v.workspaceId, workspaceId), ...(next ? [next] : [])))
        .orderBy(asc(v.policyId), asc(v.version))
        .limit(limit)
    ).map(toVersion);
  }

  async versionsByIds(workspaceId: number, ids: readonly number[]): Promise<PolicyVersion[]> {
    if (ids.length === 0) return [];
    const { policyVersions: v } = this.t;
    return (
      await this.s.db
        .select()
        .from(v)
        .where(and(eq(v.workspaceId, workspaceId), inArray(v.id, [...ids])))
    ).map(toVersion);
  }

  async byIds(workspaceId: number, ids: readonly number[]): Promise<Policy[]> {
    if (ids.length === 0) return [];
    const { policies } = this.t;
    return await this.s.db
      .select()
      .from(policies)
      .where(and(eq(policies.workspaceId, workspaceId), inArray(policies.id, [...ids])));
  }

  async versionFigures(
    workspaceId: number,
    versionIds: readonly number[],
  ): Promise<Map<number, { approvals: number; asked: number; acknowledged: number }>> {
    const figures = new Map(versionIds.map((id) => [id, { approvals: 0, asked: 0, acknowledged: 0 }]));
    if (versionIds.length === 0) return figures;
    const { policyApprovals: p, policyAcknowledgements: a } = this.t;
    const approvals = await this.s.db
      .select({ versionId: p.versionId, n: count() })
      .from(p)
      .where(and(inArray(p.versionId, [...versionIds]), eq(p.active, true)))
      .groupBy(p.versionId);
    for (const row of approvals) {
      const figure = figures.get(row.versionId);
      if (figure) figure.approvals = Number(row.n);
    }
    const asks = await this.s.db
      .select({
        versionId: a.versionId,
        asked: count(),
        acknowledged: sql<number>`cast(count(*) filter (where ${eq(a.status, 'acknowledged')}) as integer)`.mapWith(Number),
      })
      .from(a)
      .where(and(eq(a.workspaceId, workspaceId), inArray(a.versionId, [...versionIds])))
      .groupBy(a.versionId);
    for (const row of asks) {
      const figure = figures.get(row.versionId);
      if (figure) Object.assign(figure, { asked: Number(row.asked), acknowledged: Number(row.acknowledged) });
    }
    return figures;
  }

  async acknowledgementsPage(workspaceId: number, afterId: number | undefined, limit: number): Promise<PolicyAcknowledgement[]> {
    const { policyAcknowledgements: a } = this.t;
    return await this.s.db
      .select()
      .from(a)
      .where(and(eq(a.workspaceId, workspaceId), ...(afterId === undefined ? [] : [gt(a.id, afterId)])))
      .orderBy(asc(a.id))
      .limit(limit);
  }

  async addApproval(input: Omit<PolicyApproval, 'id'>): Promise<PolicyApproval> {
    return inserted(await this.s.db.insert(this.t.policyApprovals).values(input).returning(), 'policy_approvals');
  }

  async approvals(versionId: number): Promise<PolicyApproval[]> {
    const { policyApprovals } = this.t;
    return await this.s.db.select().from(policyApprovals).where(eq(policyApprovals.versionId, versionId)).orderBy(asc(policyApprovals.id));
  }

  async ask(input: Omit<PolicyAcknowledgement, 'id' | 'status' | 'acknowledgedAt'>): Promise<PolicyAcknowledgement | undefined> {
    return first(
      await this.s.db
        .insert(this.t.policyAcknowledgements)
        .values({ ...input, status: 'pending', acknowledgedAt: null })
        .onConflictDoNothing()
        .returning(),
    );
  }

  async findAcknowledgement(workspaceId: number, id: number): Promise<PolicyAcknowledgement | undefined> {
    const { policyAcknowledgements: a } = this.t;
    return first(
      await this.s.db
        .select()
        .from(a)
        .where(and(eq(a.workspaceId, workspaceId), eq(a.id, id)))
        .limit(1),
    );
  }

  async acknowledge(workspaceId: number, id: number, contentHash: string, at: string): Promise<boolean> {
    const { policyAcknowledgements: a } = this.t;
    const result = await this.s.db
      .update(a)
      .set({ status: 'acknowledged', contentHash, acknowledgedAt: at })
      .where(and(eq(a.workspaceId, workspaceId), eq(a.id, id), eq(a.status, 'pending')));
    return changedRows(result) === 1;
  }

  async acknowledgements(
    workspaceId: number,
    filter: { versionId?: number; status?: PolicyAcknowledgement['status'] },
  ): Promise<PolicyAcknowledgement[]> {
    const { policyAcknowledgements: a } = this.t;
    return await this.s.db
      .select()
      .from(a)
      .where(
        and(
          eq(a.workspaceId, workspaceId),
          ...(filter.versionId === undefined ? [] : [eq(a.versionId, filter.versionId)]),
          ...(filter.status === undefined ? [] : [eq(a.status, filter.status)]),
        ),
      )
      .orderBy(asc(a.id));
  }
}

/** The policies repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function policyRepositories(s: StoreDb): Pick<Repositories, 'policies'> {
  return { policies: new PolicyStore(s) };
}

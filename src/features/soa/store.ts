import { and, asc, count, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { SoaDecision, SoaEntry, SoaVersion } from './domain.ts';
import type { SoaRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

/** The SoA tables (entries, versions, decisions), the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class SoaStore implements SoaRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async entries(workspaceId: number): Promise<SoaEntry[]> {
    const { soaEntries } = this.t;
    const rows = await this.s.db.select().from(soaEntries).where(eq(soaEntries.workspaceId, workspaceId)).orderBy(asc(soaEntries.id));
    return rows.map(({ controlId, applicable, justification, state, ownerPersonId, updatedBy, updatedAt }) => ({
      controlId,
      applicable,
      justification,
      state,
      ownerPersonId,
      updatedBy,
      updatedAt,
    }));
  }

  async saveEntry(workspaceId: number, entry: SoaEntry & { updatedBy: number; updatedAt: string }): Promise<void> {
    const { soaEntries } = this.t;
    const values = {
      applicable: entry.applicable,
      justification: entry.justification,
      state: entry.state,
      ownerPersonId: entry.ownerPersonId,
      updatedBy: entry.updatedBy,
      updatedAt: entry.updatedAt,
    };
    await this.s.db
      .insert(soaEntries)
      .values({ workspaceId, controlId: entry.controlId, ...values })
      .onConflictDoUpdate({ target: [soaEntries.workspaceId, soaEntries.controlId], set: values });
  }

  async editedBetween(workspaceId: number, from?: string, to?: string): Promise<number> {
    const { soaEntries } = this.t;
    const conditions: SQL[] = [eq(soaEntries.workspaceId, workspaceId)];
    if (from !== undefined) conditions.push(gte(soaEntries.updatedAt, from));
    if (to !== undefined) conditions.push(lt(soaEntries.updatedAt, to));
    return (
      first(
        await this.s.db
          .select({ n: count() })
          .from(soaEntries)
          .where(and(...conditions)),
      )?.n ?? 0
    );
  }

  async versions(workspaceId: number): Promise<SoaVersion[]> {
    const { soaVersions } = this.t;
    return this.s.db.select().from(soaVersions).where(eq(soaVersions.workspaceId, workspaceId)).orderBy(asc(soaVersions.version));
  }

  async findVersion(workspaceId: number, id: number): Promise<SoaVersion | undefined> {
    const { soaVersions } = this.t;
    return first(
      await this.s.db
        .select()
        .from(soaVersions)
        .where(and(eq(soaVersions.workspaceId, workspaceId), eq(soaVersions.id, id)))
        .limit(1),
    );
  }

  async insertVersion(input: Omit<SoaVersion, 'id'>): Promise<SoaVersion> {
    return inserted(await this.s.db.insert(this.t.soaVersions).values(input).returning());
  }

  async updateVersion(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<SoaVersion, 'status' | 'contentHash' | 'approvedAt'>>,
  ): Promise<void> {
    const { soaVersions } = this.t;
    await this.s.db
      .update(soaVersions)
      .set(changes)
      .where(and(eq(soaVersions.workspaceId, workspaceId), eq(soaVersions.id, id)));
  }

  async decisions(versionId: number, activeOnly: boolean): Promise<SoaDecision[]> {
    const { soaDecisions } = this.t;
    const where = activeOnly
      ? and(eq(soaDecisions.versionId, versionId), eq(soaDecisions.active, true))
      : eq(soaDecisions.versionId, versionId);
    return this.s.db.select().from(soaDecisions).where(where).orderBy(asc(soaDecisions.id));
  }

  async addDecision(input: Omit<SoaDecision, 'id'>): Promise<SoaDecision> {
    return inserted(await this.s.db.insert(this.t.soaDecisions).values(input).returning());
  }

  async dropDecisions(versionId: number): Promise<number[]> {
    const { soaDecisions } = this.t;
    const dropped = (await this.decisions(versionId, true)).map((decision) => decision.personId);
    await this.s.db
      .update(soaDecisions)
      .set({ active: false })
      .where(and(eq(soaDecisions.versionId, versionId), eq(soaDecisions.active, true)));
    return dropped;
  }
}

/** The SoA repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function soaRepositories(s: StoreDb): Pick<Repositories, 'soa'> {
  return { soa: new SoaStore(s) };
}

import { and, asc, eq, gt, inArray, max } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, type StoreDb } from '../../store/store-db.ts';
import type { Objective, Reading } from './domain.ts';
import type { ObjectiveRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

const toObjective = (row: typeof sqliteTables.objectives.$inferSelect): Objective => ({
  ...row,
  source: row.source as Objective['source'],
});

/** The objectives and their readings, the same code on SQLite and PostgreSQL. */
export class ObjectiveStore implements ObjectiveRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async nextNumber(workspaceId: number): Promise<number> {
    const { objectives } = this.t;
    return (
      (first(
        await this.s.db
          .select({ n: max(objectives.number) })
          .from(objectives)
          .where(eq(objectives.workspaceId, workspaceId)),
      )?.n ?? 0) + 1
    );
  }

  async insert(input: Omit<Objective, 'id'>): Promise<Objective> {
    return toObjective(inserted(await this.s.db.insert(this.t.objectives).values(input).returning()));
  }

  private async findWhere(workspaceId: number, where: ReturnType<typeof eq>): Promise<Objective | undefined> {
    const { objectives } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(objectives)
        .where(and(eq(objectives.workspaceId, workspaceId), where))
        .limit(1),
    );
    return row ? toObjective(row) : undefined;
  }

  async findByNumber(workspaceId: number, number: number): Promise<Objective | undefined> {
    return await this.findWhere(workspaceId, eq(this.t.objectives.number, number));
  }

  async findById(workspaceId: number, id: number): Promise<Objective | undefined> {
    return await this.findWhere(workspaceId, eq(this.t.objectives.id, id));
  }

  async findByName(workspaceId: number, nameKey: string): Promise<Objective | undefined> {
    return await this.findWhere(workspaceId, eq(this.t.objectives.nameKey, nameKey));
  }

  async all(workspaceId: number): Promise<Objective[]> {
    const { objectives } = this.t;
    return (await this.s.db.select().from(objectives).where(eq(objectives.workspaceId, workspaceId)).orderBy(asc(objectives.number))).map(
      toObjective,
    );
  }

  async pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<Objective[]> {
    const { objectives } = this.t;
    return (
      await this.s.db
        .select()
        .from(objectives)
        .where(and(eq(objectives.workspaceId, workspaceId), ...(afterNumber === undefined ? [] : [gt(objectives.number, afterNumber)])))
        .orderBy(asc(objectives.number))
        .limit(limit)
    ).map(toObjective);
  }

  async readingsOf(workspaceId: number, objectiveIds: readonly number[]): Promise<Reading[]> {
    if (objectiveIds.length === 0) return [];
    const { objectiveReadings } = this.t;
    return await this.s.db
      .select()
      .from(objectiveReadings)
      .where(and(eq(objectiveReadings.workspaceId, workspaceId), inArray(objectiveReadings.objectiveId, [...objectiveIds])))
      .orderBy(asc(objectiveReadings.objectiveId), asc(objectiveReadings.date), asc(objectiveReadings.id));
  }

  async insertReading(input: Omit<Reading, 'id'>): Promise<Reading> {
    return inserted(await this.s.db.insert(this.t.objectiveReadings).values(input).returning());
  }

  async findReading(workspaceId: number, id: number): Promise<Reading | undefined> {
    const { objectiveReadings } = this.t;
    return first(
      await this.s.db
        .select()
        .from(objectiveReadings)
        .where(and(eq(objectiveReadings.workspaceId, workspaceId), eq(objectiveReadings.id, id)))
        .limit(1),
    );
  }

  async explainReading(workspaceId: number, id: number, explanation: { text: string; personId: number; at: string }): Promise<void> {
    const { objectiveReadings } = this.t;
    await this.s.db
      .update(objectiveReadings)
      .set({ explanation: explanation.text, explainedByPersonId: explanation.personId, explainedAt: explanation.at })
      .where(and(eq(objectiveReadings.workspaceId, workspaceId), eq(objectiveReadings.id, id)));
  }

  async readings(workspaceId: number, objectiveId?: number): Promise<Reading[]> {
    const { objectiveReadings } = this.t;
    return await this.s.db
      .select()
      .from(objectiveReadings)
      .where(
        and(
          eq(objectiveReadings.workspaceId, workspaceId),
          ...(objectiveId === undefined ? [] : [eq(objectiveReadings.objectiveId, objectiveId)]),
        ),
      )
      .orderBy(asc(objectiveReadings.date), asc(objectiveReadings.id));
  }

  async hasReadings(workspaceId: number): Promise<boolean> {
    const { objectiveReadings } = this.t;
    return (
      first(
        await this.s.db
          .select({ id: objectiveReadings.id })
          .from(objectiveReadings)
          .where(eq(objectiveReadings.workspaceId, workspaceId))
          .limit(1),
      ) !== undefined
    );
  }
}

/** The objectives repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function objectiveRepositories(s: StoreDb): Pick<Repositories, 'objectives'> {
  return { objectives: new ObjectiveStore(s) };
}

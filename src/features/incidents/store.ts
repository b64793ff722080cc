import { and, asc, count, desc, eq, gt, gte, inArray, lt, lte, max, or, sql, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import { dialectTables, first, inserted, periodConditions, workspaceHasRow, type StoreDb } from '../../store/store-db.ts';
import { ACTIVE_STATUSES, SEVERITIES, type CorrectiveAction, type Incident, type IncidentEvent } from './domain.ts';
import type {
  CorrectiveActionFilter,
  CorrectiveActionRepository,
  NewCorrectiveActionRow,
  IncidentCounts,
  IncidentFilter,
  IncidentRepository,
} from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

type Row = typeof sqliteTables.incidents.$inferSelect;

const toIncident = (row: Row): Incident => ({
  ...row,
  type: row.type as Incident['type'],
});

const toEvent = (row: typeof sqliteTables.incidentEvents.$inferSelect): IncidentEvent => ({
  ...row,
  kind: row.kind as IncidentEvent['kind'],
});

/** The incidents and incident_events tables, the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class IncidentStore implements IncidentRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async nextNumber(workspaceId: number): Promise<number> {
    const { incidents } = this.t;
    const row = first(
      await this.s.db
        .select({ n: max(incidents.number) })
        .from(incidents)
        .where(eq(incidents.workspaceId, workspaceId)),
    );
    return (row?.n ?? 0) + 1;
  }

  async insert(input: Omit<Incident, 'id'>): Promise<Incident> {
    return toIncident(inserted(await this.s.db.insert(this.t.incidents).values(input).returning()));
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<Incident, 'id' | 'workspaceId' | 'number'>>): Promise<void> {
    const { incidents } = this.t;
    await this.s.db
      .update(incidents)
      .set(changes)
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, id)));
  }

  async findByNumber(workspaceId: number, number: number): Promise<Incident | undefined> {
    const { incidents } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(incidents)
        .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.number, number)))
        .limit(1),
    );
    return row ? toIncident(row) : undefined;
  }

  async findById(workspaceId: number, id: number): Promise<Incident | undefined> {
    const { incidents } = this.t;
    const row = first(
      await this.s.db
        .select()
        .from(incidents)
        .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, id)))
        .limit(1),
    );
    return row ? toIncident(row) : undefined;
  }

  async list(
    workspaceId: number,
    filter: IncidentFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: Incident[]; total: number }> {
    const { incidents } = this.t;
    const conditions: SQL[] = [eq(incidents.workspaceId, workspaceId)];
    if (filter.statuses) conditions.push(inArray(incidents.status, [...filter.statuses]));
    if (filter.severity) conditions.push(eq(incidents.severity, filter.severity));
    if (filter.aiSystemId) conditions.push(eq(incidents.aiSystemId, filter.aiSystemId));
    if (filter.involvingPersonId) {
      const mine = or(eq(incidents.ownerPersonId, filter.involvingPersonId), eq(incidents.reporterPersonId, filter.involvingPersonId));
      if (mine) conditions.push(mine);
    }
    const where = and(...conditions);
    const rows = await this.s.db
      .select()
      .from(incidents)
      .where(where)
      .orderBy(desc(incidents.number))
      .limit(page.limit)
      .offset(page.offset);
    const total = first(await this.s.db.select({ n: count() }).from(incidents).where(where))?.n ?? 0;
    return { items: rows.map(toIncident), total };
  }

  async pageByNumber(workspaceId: number, afterNumber: number | undefined, limit: number): Promise<Incident[]> {
    const { incidents } = this.t;
    const conditions: SQL[] = [eq(incidents.workspaceId, workspaceId)];
    if (afterNumber !== undefined) conditions.push(gt(incidents.number, afterNumber));
    const rows = await this.s.db
      .select()
      .from(incidents)
      .where(and(...conditions))
      .orderBy(asc(incidents.number))
      .limit(limit);
    return rows.map(toIncident);
  }

  async eventsOf(incidentIds: readonly number[]): Promise<IncidentEvent[]> {
    if (incidentIds.length === 0) return [];
    const { incidentEvents } = this.t;
    const rows = await this.s.db
      .select()
      .from(incidentEvents)
      .where(inArray(incidentEvents.incidentId, [...incidentIds]))
      .orderBy(asc(incidentEvents.incidentId), asc(incidentEvents.id));
    return rows.map(toEvent);
  }

  async addEvent(input: Omit<IncidentEvent, 'id'>): Promise<IncidentEvent> {
    return toEvent(inserted(await this.s.db.insert(this.t.incidentEvents).values(input).returning()));
  }

  async events(incidentId: number): Promise<IncidentEvent[]> {
    const { incidentEvents } = this.t;
    const rows = await this.s.db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, incidentId))
      .orderBy(asc(incidentEvents.id));
    return rows.map(toEvent);
  }

  async weekly(
    workspaceId: number,
    windows: ReadonlyArray<{ start: string; end: string }>,
  ): Promise<Array<{ opened: number; closed: number }>> {
    if (windows.length === 0) return [];
    const { incidents } = this.t;
    // Two counts per window in one statement, each a range of its own index (created_at, closed_at).
    const scoped = (column: typeof incidents.createdAt | typeof incidents.closedAt, { start, end }: { start: string; end: string }) =>
      sql<number>`cast((select count(*) from ${incidents} where ${and(eq(incidents.workspaceId, workspaceId), gte(column, start), lt(column, end))}) as integer)`.mapWith(
        Number,
      );
    const columns: Record<string, SQL.Aliased<number>> = {};
    windows.forEach((window, i) => {
      columns[`o${i}`] = scoped(incidents.createdAt, window).as(`o${i}`);
      columns[`c${i}`] = scoped(incidents.closedAt, window).as(`c${i}`);
    });
    const row = first(await this.s.db.select(columns).from(sql`(select 1) as one`)) as Record<string, number> | undefined;
    return windows.map((_, i) => ({ opened: row?.[`o${i}`] ?? 0, closed: row?.[`c${i}`] ?? 0 }));
  }

  async counts(workspaceId: number, since: string): Promise<IncidentCounts> {
    const { incidents } = this.t;
    const active = and(eq(incidents.workspaceId, workspaceId), inArray(incidents.status, [...ACTIVE_STATUSES]));
    const countOf = (where: SQL) => sql<number>`cast(count(*) filter (where ${where}) as integer)`.mapWith(Number);
    const scoped = (what: SQL, where: SQL) =>
      sql`(select ${what} from ${incidents} where ${eq(incidents.workspaceId, workspaceId)} and ${where})`;
    // One statement: the active ones by severity (incidents_workspace_status_ix), and the 30-day windows each
    // over its own index (created_at, closed_at), with the first instant in each window (when it ages out).
    const figures = first(
      await this.s.db
        .select({
          S1: countOf(eq(incidents.severity, 'S1')),
          S2: countOf(eq(incidents.severity, 'S2')),
          S3: countOf(eq(incidents.severity, 'S3')),
          S4: countOf(eq(incidents.severity, 'S4')),
          openedSince: sql<number>`cast(${scoped(sql`count(*)`, gte(incidents.createdAt, since))} as integer)`.mapWith(Number),
          firstOpenedSince: sql<string | null>`${scoped(sql`min(${incidents.createdAt})`, gte(incidents.createdAt, since))}`,
          closedSince: sql<number>`cast(${scoped(sql`count(*)`, gte(incidents.closedAt, since))} as integer)`.mapWith(Number),
          firstClosedSince: sql<string | null>`${scoped(sql`min(${incidents.closedAt})`, gte(incidents.closedAt, since))}`,
        })
        .from(incidents)
        .where(active),
    );
    const activeBySeverity = Object.fromEntries(
      SEVERITIES.map((severity) => [severity, figures?.[severity] ?? 0]),
    ) as IncidentCounts['activeBySeverity'];
    // The oldest of each active status, one seek of incidents_workspace_status_created_ix each (one range over
    // all three would read and sort every active incident), then the oldest of those.
    let oldestActive: IncidentCounts['oldestActive'] = null;
    for (const status of ACTIVE_STATUSES) {
      const oldest = first(
        await this.s.db
          .select({ number: incidents.number, title: incidents.title, createdAt: incidents.createdAt, severity: incidents.severity })
          .from(incidents)
          .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.status, status)))
          .orderBy(asc(incidents.createdAt), asc(incidents.number))
          .limit(1),
      );
      if (
        oldest &&
        (!oldestActive ||
          oldest.createdAt < oldestActive.createdAt ||
          (oldest.createdAt === oldestActive.createdAt && oldest.number < oldestActive.number))
      )
        oldestActive = oldest;
    }
    return {
      activeBySeverity,
      oldestActive,
      openedSince: figures?.openedSince ?? 0,
      closedSince: figures?.closedSince ?? 0,
      firstOpenedSince: figures?.firstOpenedSince ?? null,
      firstClosedSince: figures?.firstClosedSince ?? null,
    };
  }

  async countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number> {
    const { incidents } = this.t;
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(incidents)
        .where(and(eq(incidents.workspaceId, workspaceId), ...periodConditions(incidents.createdAt, period))),
    );
    return Number(row?.n ?? 0);
  }

  async exists(workspaceId: number, from?: string): Promise<boolean> {
    const { incidents } = this.t;
    // Since a day, along incidents_workspace_created_ix.
    return await workspaceHasRow(
      this.s,
      incidents,
      incidents.workspaceId,
      workspaceId,
      from === undefined ? undefined : { column: incidents.createdAt, from },
    );
  }
}

/** The corrective_actions table, the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class CorrectiveActionStore implements CorrectiveActionRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async insert(input: NewCorrectiveActionRow): Promise<CorrectiveAction> {
    return inserted(await this.s.db.insert(this.t.correctiveActions).values(input).returning());
  }

  async findById(workspaceId: number, id: number): Promise<CorrectiveAction | undefined> {
    const { correctiveActions } = this.t;
    return first(
      await this.s.db
        .select()
        .from(correctiveActions)
        .where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.id, id)))
        .limit(1),
    );
  }

  async markDone(workspaceId: number, id: number, at: string): Promise<void> {
    const { correctiveActions } = this.t;
    await this.s.db
      .update(correctiveActions)
      .set({ status: 'done', doneAt: at })
      .where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.id, id)));
  }

  async recordCheck(
    workspaceId: number,
    id: number,
    check: Pick<CorrectiveAction, 'checkResult' | 'checkedByPersonId' | 'checkedAt' | 'checkNote' | 'status' | 'doneAt'>,
  ): Promise<void> {
    const { correctiveActions } = this.t;
    await this.s.db
      .update(correctiveActions)
      .set(check)
      .where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.id, id)));
  }

  async list(
    workspaceId: number,
    filter: CorrectiveActionFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: CorrectiveAction[]; total: number }> {
    const { correctiveActions } = this.t;
    const conditions: SQL[] = [eq(correctiveActions.workspaceId, workspaceId)];
    if (filter.ownerPersonId) conditions.push(eq(correctiveActions.ownerPersonId, filter.ownerPersonId));
    if (filter.status) conditions.push(eq(correctiveActions.status, filter.status));
    if (filter.incidentId) conditions.push(eq(correctiveActions.incidentId, filter.incidentId));
    if (filter.nonconformityId) conditions.push(eq(correctiveActions.nonconformityId, filter.nonconformityId));
    const where = and(...conditions);
    const items = await this.s.db
      .select()
      .from(correctiveActions)
      .where(where)
      .orderBy(asc(correctiveActions.status), asc(correctiveActions.dueDate), asc(correctiveActions.id))
      .limit(page.limit)
      .offset(page.offset);
    const total = first(await this.s.db.select({ n: count() }).from(correctiveActions).where(where))?.n ?? 0;
    return { items, total };
  }

  async ofIncidents(workspaceId: number, incidentIds: readonly number[]): Promise<CorrectiveAction[]> {
    if (incidentIds.length === 0) return [];
    const { correctiveActions } = this.t;
    return await this.s.db
      .select()
      .from(correctiveActions)
      .where(and(eq(correctiveActions.workspaceId, workspaceId), inArray(correctiveActions.incidentId, [...incidentIds])))
      .orderBy(asc(correctiveActions.status), asc(correctiveActions.dueDate), asc(correctiveActions.id));
  }

  async openDueAfter(
    workspaceId: number,
    horizon: string,
    after: { dueDate: string; id: number } | undefined,
    limit: number,
  ): Promise<CorrectiveAction[]> {
    const { correctiveActions } = this.t;
    // In the order of the (workspace, status, due date) index, so each slice is a short range scan.
    return await this.s.db
      .select()
      .from(correctiveActions)
      .where(
        and(
          eq(correctiveActions.workspaceId, workspaceId),
          eq(correctiveActions.status, 'open'),
          lte(correctiveActions.dueDate, horizon),
          after ? sql`(${correctiveActions.dueDate}, ${correctiveActions.id}) > (${after.dueDate}, ${after.id})` : undefined,
        ),
      )
      .orderBy(asc(correctiveActions.dueDate), asc(correctiveActions.id))
      .limit(limit);
  }

  async openOfOwners(workspaceId: number, horizon: string, afterOwner: number | undefined, owners: number): Promise<CorrectiveAction[]> {
    const { correctiveActions: a } = this.t;
    const open = and(
      eq(a.workspaceId, workspaceId),
      eq(a.status, 'open'),
      lte(a.dueDate, horizon),
      afterOwner === undefined ? undefined : gt(a.ownerPersonId, afterOwner),
    );
    // The next `owners` owners along the (workspace, status, owner, due date) index, then their actions:
    // one range of that index, from the first of them to the last.
    const group = await this.s.db
      .selectDistinct({ owner: a.ownerPersonId })
      .from(a)
      .where(open)
      .orderBy(asc(a.ownerPersonId))
      .limit(owners);
    const firstOwner = group[0]?.owner;
    const lastOwner = group.at(-1)?.owner;
    if (firstOwner === undefined || lastOwner === undefined) return [];
    return await this.s.db
      .select()
      .from(a)
      .where(and(open, gte(a.ownerPersonId, firstOwner), lte(a.ownerPersonId, lastOwner)))
      .orderBy(asc(a.ownerPersonId), asc(a.dueDate), asc(a.id));
  }

  async overdueAt(workspaceId: number, moments: ReadonlyArray<{ day: string; at: string }>): Promise<number[]> {
    if (moments.length === 0) return [];
    const { correctiveActions: a } = this.t;
    const latest = moments.reduce((day, moment) => (moment.day > day ? moment.day : day), '');
    const columns: Record<string, SQL.Aliased<number>> = {};
    moments.forEach(({ day, at }, i) => {
      const then = and(lt(a.dueDate, day), lt(a.createdAt, at), or(sql`${a.doneAt} is null`, gte(a.doneAt, at)));
      columns[`m${i}`] = sql<number>`cast(count(*) filter (where ${then}) as integer)`.mapWith(Number).as(`m${i}`);
    });
    // The workspace's actions due before the latest day: one range of the (workspace, status, due date) index per status.
    const row = first(
      await this.s.db
        .select(columns)
        .from(a)
        .where(and(eq(a.workspaceId, workspaceId), lt(a.dueDate, latest))),
    ) as Record<string, number> | undefined;
    return moments.map((_, i) => row?.[`m${i}`] ?? 0);
  }

  async counts(workspaceId: number, today: string): Promise<{ open: number; overdue: number }> {
    const { correctiveActions } = this.t;
    // One range of corrective_actions_workspace_status_ix (workspace, status, due date) gives both.
    const row = first(
      await this.s.db
        .select({
          open: count(),
          overdue: sql<number>`cast(count(*) filter (where ${lt(correctiveActions.dueDate, today)}) as integer)`.mapWith(Number),
        })
        .from(correctiveActions)
        .where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.status, 'open'))),
    );
    return { open: row?.open ?? 0, overdue: row?.overdue ?? 0 };
  }

  async countCreated(workspaceId: number, period: { from?: string; to?: string }): Promise<number> {
    const { correctiveActions } = this.t;
    const row = first(
      await this.s.db
        .select({ n: count() })
        .from(correctiveActions)
        .where(and(eq(correctiveActions.workspaceId, workspaceId), ...periodConditions(correctiveActions.createdAt, period))),
    );
    return Number(row?.n ?? 0);
  }

  async exists(workspaceId: number, from?: string): Promise<boolean> {
    const { correctiveActions } = this.t;
    // Since a day, along corrective_actions_workspace_created_ix.
    const since = from === undefined ? undefined : { column: correctiveActions.createdAt, from };
    return await workspaceHasRow(this.s, correctiveActions, correctiveActions.workspaceId, workspaceId, since);
  }
}

/** The incidents repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function incidentRepositories(s: StoreDb): Pick<Repositories, 'incidents' | 'actions'> {
  return { incidents: new IncidentStore(s), actions: new CorrectiveActionStore(s) };
}

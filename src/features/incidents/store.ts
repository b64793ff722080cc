import { and, asc, count, desc, eq, gte, inArray, lt, max, or, type SQL } from 'drizzle-orm';
import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import { ACTIVE_STATUSES, SEVERITIES, type CorrectiveAction, type Incident, type IncidentEvent } from './domain.ts';
import type { CorrectiveActionFilter, CorrectiveActionRepository, IncidentCounts, IncidentFilter, IncidentRepository } from './port.ts';
import { correctiveActions, incidentEvents, incidents } from './schema.ts';

type Row = typeof incidents.$inferSelect;

const toIncident = (row: Row): Incident => ({
  ...row,
  type: row.type as Incident['type'],
});

export class SqliteIncidentRepository implements IncidentRepository {
  constructor(private readonly db: Db) {}

  async nextNumber(workspaceId: number): Promise<number> {
    const row = this.db
      .select({ n: max(incidents.number) })
      .from(incidents)
      .where(eq(incidents.workspaceId, workspaceId))
      .get();
    return (row?.n ?? 0) + 1;
  }

  async insert(input: Omit<Incident, 'id'>): Promise<Incident> {
    return toIncident(this.db.insert(incidents).values(input).returning().get());
  }

  async update(workspaceId: number, id: number, changes: Partial<Omit<Incident, 'id' | 'workspaceId' | 'number'>>): Promise<void> {
    this.db
      .update(incidents)
      .set(changes)
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, id)))
      .run();
  }

  async findByNumber(workspaceId: number, number: number): Promise<Incident | undefined> {
    const row = this.db
      .select()
      .from(incidents)
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.number, number)))
      .get();
    return row ? toIncident(row) : undefined;
  }

  async findById(workspaceId: number, id: number): Promise<Incident | undefined> {
    const row = this.db
      .select()
      .from(incidents)
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, id)))
      .get();
    return row ? toIncident(row) : undefined;
  }

  async list(
    workspaceId: number,
    filter: IncidentFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: Incident[]; total: number }> {
    const conditions: SQL[] = [eq(incidents.workspaceId, workspaceId)];
    if (filter.statuses) conditions.push(inArray(incidents.status, [...filter.statuses]));
    if (filter.severity) conditions.push(eq(incidents.severity, filter.severity));
    if (filter.aiSystemId) conditions.push(eq(incidents.aiSystemId, filter.aiSystemId));
    if (filter.involvingPersonId) {
      const mine = or(eq(incidents.ownerPersonId, filter.involvingPersonId), eq(incidents.reporterPersonId, filter.involvingPersonId));
      if (mine) conditions.push(mine);
    }
    const where = and(...conditions);
    const items = this.db
      .select()
      .from(incidents)
      .where(where)
      .orderBy(desc(incidents.number))
      .limit(page.limit)
      .offset(page.offset)
      .all()
      .map(toIncident);
    const total = this.db.select({ n: count() }).from(incidents).where(where).get()?.n ?? 0;
    return { items, total };
  }

  async addEvent(input: Omit<IncidentEvent, 'id'>): Promise<IncidentEvent> {
    const row = this.db.insert(incidentEvents).values(input).returning().get();
    return { ...row, kind: row.kind as IncidentEvent['kind'] };
  }

  async events(incidentId: number): Promise<IncidentEvent[]> {
    return this.db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, incidentId))
      .orderBy(asc(incidentEvents.id))
      .all()
      .map((row) => ({ ...row, kind: row.kind as IncidentEvent['kind'] }));
  }

  async counts(workspaceId: number, since: string): Promise<IncidentCounts> {
    const activeBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as IncidentCounts['activeBySeverity'];
    const active = and(eq(incidents.workspaceId, workspaceId), inArray(incidents.status, [...ACTIVE_STATUSES]));
    for (const row of this.db
      .select({ severity: incidents.severity, n: count() })
      .from(incidents)
      .where(active)
      .groupBy(incidents.severity)
      .all()) {
      activeBySeverity[row.severity] = row.n;
    }
    const oldestActive =
      this.db
        .select({ number: incidents.number, title: incidents.title, createdAt: incidents.createdAt, severity: incidents.severity })
        .from(incidents)
        .where(active)
        .orderBy(asc(incidents.createdAt), asc(incidents.number))
        .limit(1)
        .get() ?? null;
    const openedSince =
      this.db
        .select({ n: count() })
        .from(incidents)
        .where(and(eq(incidents.workspaceId, workspaceId), gte(incidents.createdAt, since)))
        .get()?.n ?? 0;
    const closedSince =
      this.db
        .select({ n: count() })
        .from(incidents)
        .where(and(eq(incidents.workspaceId, workspaceId), gte(incidents.closedAt, since)))
        .get()?.n ?? 0;
    return { activeBySeverity, oldestActive, openedSince, closedSince };
  }
}

export class SqliteCorrectiveActionRepository implements CorrectiveActionRepository {
  constructor(private readonly db: Db) {}

  async insert(input: Omit<CorrectiveAction, 'id'>): Promise<CorrectiveAction> {
    return this.db.insert(correctiveActions).values(input).returning().get();
  }

  async findById(workspaceId: number, id: number): Promise<CorrectiveAction | undefined> {
    return this.db
      .select()
      .from(correctiveActions)
      .where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.id, id)))
      .get();
  }

  async markDone(workspaceId: number, id: number, at: string): Promise<void> {
    this.db
      .update(correctiveActions)
      .set({ status: 'done', doneAt: at })
      .where(and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.id, id)))
      .run();
  }

  async list(
    workspaceId: number,
    filter: CorrectiveActionFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: CorrectiveAction[]; total: number }> {
    const conditions: SQL[] = [eq(correctiveActions.workspaceId, workspaceId)];
    if (filter.ownerPersonId) conditions.push(eq(correctiveActions.ownerPersonId, filter.ownerPersonId));
    if (filter.status) conditions.push(eq(correctiveActions.status, filter.status));
    if (filter.incidentId) conditions.push(eq(correctiveActions.incidentId, filter.incidentId));
    const where = and(...conditions);
    const items = this.db
      .select()
      .from(correctiveActions)
      .where(where)
      .orderBy(asc(correctiveActions.status), asc(correctiveActions.dueDate), asc(correctiveActions.id))
      .limit(page.limit)
      .offset(page.offset)
      .all();
    const total = this.db.select({ n: count() }).from(correctiveActions).where(where).get()?.n ?? 0;
    return { items, total };
  }

  async counts(workspaceId: number, today: string): Promise<{ open: number; overdue: number }> {
    const open = and(eq(correctiveActions.workspaceId, workspaceId), eq(correctiveActions.status, 'open'));
    return {
      open: this.db.select({ n: count() }).from(correctiveActions).where(open).get()?.n ?? 0,
      overdue:
        this.db
          .select({ n: count() })
          .from(correctiveActions)
          .where(and(open, lt(correctiveActions.dueDate, today)))
          .get()?.n ?? 0,
    };
  }
}

/** The incidents repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function incidentRepositories(db: Db): Pick<Repositories, 'incidents' | 'actions'> {
  return { incidents: new SqliteIncidentRepository(db), actions: new SqliteCorrectiveActionRepository(db) };
}

import { and, asc, count, eq, inArray, like, or, sql } from 'drizzle-orm';
import { likeContains } from './like-contains.ts';
import type { Person } from '../../core/identity.ts';
import type { PeopleRepository } from '../../core/ports.ts';
import { first, type StoreDb } from '../store-db.ts';
import { inserted, tables } from './kernel-tables.ts';

export class PeopleStore implements PeopleRepository {
  constructor(private readonly s: StoreDb) {}

  async find(workspaceId: number, externalId: string): Promise<Person | undefined> {
    const { people } = tables(this.s);
    return first(
      await this.s.db
        .select()
        .from(people)
        .where(and(eq(people.workspaceId, workspaceId), eq(people.externalId, externalId)))
        .limit(1),
    );
  }

  async findByIds(workspaceId: number, ids: readonly number[]): Promise<Person[]> {
    if (ids.length === 0) return [];
    const { people } = tables(this.s);
    return await this.s.db
      .select()
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), inArray(people.id, [...ids])));
  }

  async findById(workspaceId: number, id: number): Promise<Person | undefined> {
    const { people } = tables(this.s);
    return first(
      await this.s.db
        .select()
        .from(people)
        .where(and(eq(people.workspaceId, workspaceId), eq(people.id, id)))
        .limit(1),
    );
  }

  // Names are nullable: nameless people sort first on both dialects, as SQLite always did.
  async list(workspaceId: number, limit: number): Promise<Person[]> {
    const { people } = tables(this.s);
    return await this.s.db
      .select()
      .from(people)
      .where(eq(people.workspaceId, workspaceId))
      .orderBy(sql`${people.displayName} asc nulls first`, asc(people.id))
      .limit(limit);
  }

  async search(workspaceId: number, query: string, limit: number): Promise<Person[]> {
    const { people } = tables(this.s);
    const pattern = likeContains(query);
    // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    return await this.s.db
      .select()
      .from(people)
      .where(
        and(
          eq(people.workspaceId, workspaceId),
          or(
            like(sql`lower(${people.displayName})`, sql`${pattern} escape '\\'`),
            like(sql`lower(${people.externalId})`, sql`${pattern} escape '\\'`),
          ),
        ),
      )
      .orderBy(sql`${people.displayName} asc nulls first`, asc(people.id))
      .limit(limit);
  }

  async insert(input: Omit<Person, 'id'>): Promise<Person> {
    const { people } = tables(this.s);
    return inserted(await this.s.db.insert(people).values(input).returning(), 'people');
  }

  async rename(id: number, displayName: string): Promise<void> {
    const { people } = tables(this.s);
    await this.s.db.update(people).set({ displayName }).where(eq(people.id, id));
  }

  async setDirectReference(id: number, reference: unknown): Promise<void> {
    const { people } = tables(this.s);
    await this.s.db.update(people).set({ directReference: reference }).where(eq(people.id, id));
  }

  async findByDirectUser(workspaceId: number, userId: string): Promise<Person | undefined> {
    const { people } = tables(this.s);
    const user =
      this.s.dialect === 'postgres'
        ? sql`(${people.directReference}::jsonb -> 'user' ->> 'id')`
        : sql`json_extract(${people.directReference}, '$.user.id')`;
    return first(
      await this.s.db
        .select()
        .from(people)
        .where(and(eq(people.workspaceId, workspaceId), eq(user, userId)))
        .orderBy(asc(people.id))
        .limit(1),
    );
  }

  async setExternalId(id: number, externalId: string): Promise<void> {
    const { people } = tables(this.s);
    await this.s.db.update(people).set({ externalId }).where(eq(people.id, id));
  }

  async count(workspaceId: number): Promise<number> {
    const { people } = tables(this.s);
    return first(await this.s.db.select({ n: count() }).from(people).where(eq(people.workspaceId, workspaceId)))?.n ?? 0;
  }
}

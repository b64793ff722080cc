import { and, asc, count, eq, like, or, sql } from 'drizzle-orm';
import { likeContains } from './like-contains.ts';
import type { Person } from '../../core/identity.ts';
import type { PeopleRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { people } from '../schema/directory.ts';

export class SqlitePeopleRepository implements PeopleRepository {
  constructor(private readonly db: Db) {}

  find(workspaceId: number, externalId: string): Person | undefined {
    return this.db
      .select()
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), eq(people.externalId, externalId)))
      .get();
  }

  findById(workspaceId: number, id: number): Person | undefined {
    return this.db
      .select()
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), eq(people.id, id)))
      .get();
  }

  list(workspaceId: number, limit: number): Person[] {
    return this.db
      .select()
      .from(people)
      .where(eq(people.workspaceId, workspaceId))
      .orderBy(asc(people.displayName), asc(people.id))
      .limit(limit)
      .all();
  }

  search(workspaceId: number, query: string, limit: number): Person[] {
    const pattern = likeContains(query);
    return this.db
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
      .orderBy(asc(people.displayName), asc(people.id))
      .limit(limit)
      .all();
  }

  insert(input: Omit<Person, 'id'>): Person {
    return this.db.insert(people).values(input).returning().get();
  }

  rename(id: number, displayName: string): void {
    this.db.update(people).set({ displayName }).where(eq(people.id, id)).run();
  }

  setDirectReference(id: number, reference: unknown): void {
    this.db.update(people).set({ directReference: reference }).where(eq(people.id, id)).run();
  }

  count(workspaceId: number): number {
    return this.db.select({ n: count() }).from(people).where(eq(people.workspaceId, workspaceId)).get()?.n ?? 0;
  }
}

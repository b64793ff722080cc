import { and, asc, count, eq, like, or, sql } from 'drizzle-orm';
import { likeContains } from './like-contains.ts';
import type { Person } from '../../core/identity.ts';
import type { PeopleRepository } from '../../core/ports.ts';
import type { Db } from '../database.ts';
import { people } from '../schema/directory.ts';

export class SqlitePeopleRepository implements PeopleRepository {
  constructor(private readonly db: Db) {}

  async find(workspaceId: number, externalId: string): Promise<Person | undefined> {
    return this.db
      .select()
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), eq(people.externalId, externalId)))
      .get();
  }

  async findById(workspaceId: number, id: number): Promise<Person | undefined> {
    return this.db
      .select()
      .from(people)
      .where(and(eq(people.workspaceId, workspaceId), eq(people.id, id)))
      .get();
  }

  async list(workspaceId: number, limit: number): Promise<Person[]> {
    return this.db
      .select()
      .from(people)
      .where(eq(people.workspaceId, workspaceId))
      .orderBy(asc(people.displayName), asc(people.id))
      .limit(limit)
      .all();
  }

  async search(workspaceId: number, query: string, limit: number): Promise<Person[]> {
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

  async insert(input: Omit<Person, 'id'>): Promise<Person> {
    return this.db.insert(people).values(input).returning().get();
  }

  async rename(id: number, displayName: string): Promise<void> {
    this.db.update(people).set({ displayName }).where(eq(people.id, id)).run();
  }

  async setDirectReference(id: number, reference: unknown): Promise<void> {
    this.db.update(people).set({ directReference: reference }).where(eq(people.id, id)).run();
  }

  async count(workspaceId: number): Promise<number> {
    return this.db.select({ n: count() }).from(people).where(eq(people.workspaceId, workspaceId)).get()?.n ?? 0;
  }
}

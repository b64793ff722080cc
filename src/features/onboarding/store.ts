import type { Repositories } from '../../core/ports.ts';
import { changedRows, dialectTables, type StoreDb } from '../../store/store-db.ts';
import type { GreetingRepository } from './port.ts';
import * as sqliteTables from './schema.ts';
import * as pgTables from './schema.pg.ts';

const tables = (s: StoreDb) => dialectTables(s, sqliteTables, pgTables);

/** The first_run_greetings table, the same code on SQLite and PostgreSQL (tables picked by the connection's dialect). */
export class GreetingStore implements GreetingRepository {
  private readonly t: typeof sqliteTables;

  constructor(private readonly s: StoreDb) {
    this.t = tables(s);
  }

  async claim(workspaceId: number, subject: string, at: string): Promise<boolean> {
    // The unique index decides, not a read-then-write: two deliveries of the same install greet once.
    const result = await this.s.db.insert(this.t.firstRunGreetings).values({ workspaceId, subject, greetedAt: at }).onConflictDoNothing();
    return changedRows(result) === 1;
  }
}

export function onboardingRepositories(s: StoreDb): Pick<Repositories, 'greetings'> {
  return { greetings: new GreetingStore(s) };
}

import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import type { GreetingRepository } from './port.ts';
import { firstRunGreetings } from './schema.ts';

export class SqliteGreetingRepository implements GreetingRepository {
  constructor(private readonly db: Db) {}

  async claim(workspaceId: number, subject: string, at: string): Promise<boolean> {
    // The unique index decides, not a read-then-write: two deliveries of the same install greet once.
    const result = this.db.insert(firstRunGreetings).values({ workspaceId, subject, greetedAt: at }).onConflictDoNothing().run();
    return result.changes === 1;
  }
}

export function onboardingRepositories(db: Db): Pick<Repositories, 'greetings'> {
  return { greetings: new SqliteGreetingRepository(db) };
}

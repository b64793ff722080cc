import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import { SqliteAiSystemRepository } from '../../store/repositories/ai-system-repository.ts';

/** The ai-systems repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function aiSystemRepositories(db: Db): Pick<Repositories, 'aiSystems'> {
  return { aiSystems: new SqliteAiSystemRepository(db) };
}

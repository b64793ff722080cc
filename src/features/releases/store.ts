import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import { SqliteReleaseRepository } from '../../store/repositories/release-repository.ts';

/** The releases repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function releaseRepositories(db: Db): Pick<Repositories, 'releases'> {
  return { releases: new SqliteReleaseRepository(db) };
}

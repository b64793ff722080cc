import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import { SqliteTrainingRepository } from '../../store/repositories/training-repository.ts';

/** The training repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function trainingRepositories(db: Db): Pick<Repositories, 'training'> {
  return { training: new SqliteTrainingRepository(db) };
}

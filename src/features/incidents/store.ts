import type { Repositories } from '../../core/ports.ts';
import type { Db } from '../../store/database.ts';
import { SqliteIncidentRepository } from '../../store/repositories/incident-repository.ts';
import { SqliteCorrectiveActionRepository } from '../../store/repositories/corrective-action-repository.ts';

/** The incidents repositories over one connection, for the store's unit of work (registered in src/features/index.ts). */
export function incidentRepositories(db: Db): Pick<Repositories, 'incidents' | 'actions'> {
  return { incidents: new SqliteIncidentRepository(db), actions: new SqliteCorrectiveActionRepository(db) };
}

import type { Feature } from '../chat/feature.ts';
import type { Repositories } from '../core/ports.ts';
import type { Db } from '../store/database.ts';

/** One registered area: what it declares to the chat layer, and its repositories if it has tables. */
export interface Area {
  feature: Feature;
  /** The area's store.ts: its repositories over the store's connection, merged into the unit of work's set. */
  repositories?: (db: Db) => Partial<Repositories>;
}

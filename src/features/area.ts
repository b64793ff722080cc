import type { ChatServices } from '../chat/chat-services.ts';
import type { Feature } from '../chat/feature.ts';
import type { Clock } from '../core/clock.ts';
import type { Repositories, UnitOfWork } from '../core/ports.ts';
import type { StoreDb } from '../store/store-db.ts';

/** What an area's services are built over: the same store, clock and default time zone as the kernel's. */
export interface AreaServiceDeps {
  store: UnitOfWork;
  clock: Clock;
  defaultTimeZone: string;
  /** The areas the aggregates loop over (an area that gathers from the others, as the management review its inputs). */
  features?: readonly Feature[];
}

/** One registered area: what it declares to the chat layer, its repositories if it has tables, its services if it has any. */
export interface Area {
  feature: Feature;
  /**
   * The area's store.ts: its repositories over the store's connection, merged into the unit of work's set.
   * The same factory serves both stores: it picks the dialect's tables from `s.dialect`.
   */
  repositories?: (s: StoreDb) => Partial<Repositories>;
  /**
   * The area's services, under the keys its feature.ts adds to `ChatServices` (`declare module`);
   * createServices merges them into the kernel's. Type it `Pick<ChatServices, 'key'>`, so that a key
   * the area declares and does not build, or builds with the wrong type, fails the typecheck.
   */
  services?: (deps: AreaServiceDeps) => Partial<ChatServices>;
}

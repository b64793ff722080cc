import type { Clock } from './clock.ts';
import type { UnitOfWork } from './ports.ts';

/** Remembers inbound deliveries so a platform retry or a double click is handled once. */
export class InboundDedupe {
  constructor(
    private readonly store: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** True the first time `key` is seen; false for every repeat (backed by a primary key). */
  firstTime(key: string, workspaceId: number | null): boolean {
    return this.store.write((repos) => repos.dedupe.claim(key, workspaceId, this.clock.now().toISOString()));
  }

  /** Forgets keys older than `days` days; platforms stop retrying long before that. */
  prune(days: number): number {
    const cutoff = new Date(this.clock.now().getTime() - days * 86_400_000).toISOString();
    return this.store.write((repos) => repos.dedupe.pruneBefore(cutoff));
  }
}

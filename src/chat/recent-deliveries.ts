import { KeptMap } from '../core/kept-map.ts';
/**
 * Deliveries this process is handling or has answered lately, by dedupe key, with the hash of what
 * each carried. A request that changes nothing leaves no key in the store, so a platform's retry of it
 * (Slack re-sends an event it saw no answer to within 3 s) is recognised here instead: it is not
 * answered twice, and the same key with other content is still a conflict. Bounded: platforms retry
 * within minutes, and the oldest keys go first.
 */
export class RecentDeliveries {
  private readonly keys: KeptMap<string, string>;

  constructor(capacity = 5_000) {
    this.keys = new KeptMap(capacity);
  }

  /** `new` (and takes the key), `repeat` for the same content again, `conflict` for the same key with other content. */
  take(key: string, requestHash: string): 'new' | 'repeat' | 'conflict' {
    const seen = this.keys.get(key);
    if (seen !== undefined) return seen === requestHash ? 'repeat' : 'conflict';
    this.keys.keep(key, requestHash);
    return 'new';
  }

  /** How many keys it holds: never more than its capacity. */
  get size(): number {
    return this.keys.size;
  }

  /** Lets a delivery that failed unexpectedly be run again by its retry. */
  release(key: string): void {
    this.keys.delete(key);
  }
}

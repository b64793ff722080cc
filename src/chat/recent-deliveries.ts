/**
 * Deliveries this process is handling or has answered lately, by dedupe key. A request that changes
 * nothing leaves no key in the store, so a platform's retry of it (Slack re-sends an event it saw no
 * answer to within 3 s) is recognised here instead: it is not answered twice. Bounded: platforms retry
 * within minutes, and the oldest keys go first.
 */
export class RecentDeliveries {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 5_000) {}

  /** True when `key` was already taken; otherwise takes it. */
  taken(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return false;
  }

  /** Lets a delivery that failed unexpectedly be run again by its retry. */
  release(key: string): void {
    this.keys.delete(key);
  }
}

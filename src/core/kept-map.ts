/**
 * A map that keeps at most `capacity` entries: `keep` puts an entry last (newest), and the first one (the
 * least recently kept) goes when there are too many. Map keeps insertion order, so that is all it takes.
 */
export class KeptMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Keeps `value` under `key` as the newest entry (an entry used again is kept again, so it goes last). */
  keep(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

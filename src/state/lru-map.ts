/** A `Map` bounded by least-recent use whose entries expire; shared by the memory store and Redis's mirror. */
export class LruMap<E extends { expiresAt: number }> {
  readonly #map = new Map<string, E>();
  constructor(readonly maxEntries: number) {}

  /** The live entry under `key` (marked recently used), dropping it when expired. */
  live(key: string, now = Date.now()): E | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    this.#map.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.#map.set(key, entry);
    return entry;
  }

  put(key: string, entry: E): void {
    this.#map.delete(key);
    this.#map.set(key, entry);
    if (this.#map.size > this.maxEntries) this.sweep();
    while (this.#map.size > this.maxEntries) this.#map.delete(this.#map.keys().next().value!);
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  startingWith(prefix: string, now = Date.now()): Array<[string, E]> {
    return [...this.#map].filter(([key, entry]) => key.startsWith(prefix) && entry.expiresAt > now);
  }

  /** Drops every expired entry. */
  sweep(now = Date.now()): void {
    for (const [key, entry] of this.#map) if (entry.expiresAt <= now) this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}

/**
 * The queue between a chain's work and the session reading its stream: what LiveKit's `AsyncIterableQueue` does for
 * one reader, without its `EventEmitter` and its `events.once()` promise per item (measured: most of what a second
 * LiveKit stream costs per chunk). Items put before `close()` are still read; `put()` after it is a no-op.
 */
export class ChunkQueue<T> implements AsyncIterator<T> {
  readonly #items: T[] = [];
  readonly #readers: ((result: IteratorResult<T>) => void)[] = [];
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  put(item: T): void {
    if (this.#closed) return;
    const reader = this.#readers.shift();
    if (reader) reader({ value: item, done: false });
    else this.#items.push(item);
  }

  close(): void {
    this.#closed = true;
    for (const reader of this.#readers.splice(0)) reader({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift()!, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#readers.push(resolve));
  }
}

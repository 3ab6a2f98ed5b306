import type { CallLease } from '../state/fleet-state.js';
import type { StateStore } from '../state/state-store.js';

/**
 * This process's active calls, one lease each in the store so that the whole fleet counts them. One timer renews
 * every lease each third of `leaseMs` while there are calls; a killed process stops renewing, so its calls stop
 * counting `leaseMs` later.
 */
export class CallLeases {
  readonly #store: StateStore;
  readonly #leaseMs: number;
  readonly #leases = new Map<string, CallLease>();
  #renewal: ReturnType<typeof setInterval> | undefined;

  /** @param leaseMs how long a lease lasts without renewal. */
  constructor(store: StateStore, leaseMs: number) {
    this.#store = store;
    this.#leaseMs = leaseMs;
  }

  /** Writes a call's lease under `key` and keeps it renewed until `end(key)`. */
  start(key: string, lease: CallLease): void {
    this.#leases.set(key, lease);
    void this.#store.set(key, lease, this.#leaseMs);
    this.#renew();
  }

  /** Deletes a call's lease; the timer stops with the last one. */
  end(key: string): void {
    this.#leases.delete(key);
    void this.#store.delete(key);
    this.#renew();
  }

  /** One timer renews every lease of this process while it has calls (not kept alive by it: unref). */
  #renew(): void {
    if (this.#leases.size === 0) {
      clearInterval(this.#renewal);
      this.#renewal = undefined;
      return;
    }
    this.#renewal ??= setInterval(() => {
      for (const [key, lease] of this.#leases) void this.#store.set(key, lease, this.#leaseMs);
    }, this.#leaseMs / 3);
    this.#renewal.unref();
  }
}

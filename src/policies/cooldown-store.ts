import type { ErrorCategory } from '../errors/index.js';

/** What the chain remembers about an option that failed. */
export interface CooldownEntry {
  /** Until when (epoch ms) the option is cooling (rate limit, quota: skipped) or demoted (other failures: tried last). */
  until: number;
  /** Why it failed last. `rate_limit` and `quota` make the chain skip the option until `until`. */
  category: ErrorCategory;
  /** The HTTP status of the failure, if any. */
  statusCode?: number | undefined;
  /** When it failed (epoch ms). */
  at: number;
}

/** A value or a promise of it: the in-memory store answers at once (the healthy path stays synchronous), Redis later. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where the chains keep their cooldowns, keyed by `modality:provider/model`. Every session of a stack shares one store;
 * give several stacks (or a fleet of workers, through Redis) the same store to share cooldowns between them too.
 */
export interface CooldownStore {
  get(key: string): MaybePromise<CooldownEntry | undefined>;
  /** `ttlMs`: how long the entry matters (until `entry.until`); a store with expiry may drop it after that. */
  set(key: string, entry: CooldownEntry, ttlMs: number): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
}

/** The default store: a `Map` in this process. Entries are overwritten, never accumulated (one per option). */
export class MemoryCooldownStore implements CooldownStore {
  readonly #entries = new Map<string, CooldownEntry>();

  get(key: string): CooldownEntry | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: CooldownEntry): void {
    this.#entries.set(key, entry);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** How many options have an entry (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }
}

/** Whether an entry makes the chain skip its option (rather than try it last). */
export function isHardCooldown(entry: CooldownEntry | undefined, now = Date.now()): entry is CooldownEntry {
  return entry !== undefined && entry.until > now && (entry.category === 'rate_limit' || entry.category === 'quota');
}

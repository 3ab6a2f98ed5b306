/**
 * The state every call of a fleet shares: cooldowns, the organisation config cache, the current mode, the rollout,
 * active-call leases and a short event log. LiveKit runs each call in its own forked process that exits when the call
 * ends, so anything kept in a module variable lives for one call; this interface is where state that must outlive a
 * call, or reach other calls, lives (docs/architecture.md, "State").
 *
 * Values are JSON. Every key carries a TTL, so nothing grows without bound. Reads are synchronous and answer from a
 * local view (a file on this machine, or a mirror of Redis kept current by pub/sub): the turn's path never waits on
 * the network. Writes are asynchronous and reach the other processes within milliseconds.
 *
 * Callers never use a store directly on a call's path: they go through `guardStore()`'s fail-open wrapper, so a store
 * that throws, rejects or hangs reads as "no entry" and never reaches a call.
 */
export interface StateStore {
  /** `'memory'`, `'machine'`, `'redis'` or a custom store's name: shown by `doctor` and the dashboard. */
  readonly kind: string;
  /** The value under `key`, or `undefined` when there is none or it expired. Synchronous and cheap (microseconds). */
  get<T = unknown>(key: string): T | undefined;
  /** Every live entry whose key starts with `prefix`, from the local view. For listings (leases, cooldowns), not turns. */
  list<T = unknown>(prefix: string): Array<[key: string, value: T]>;
  /** Stores `value` under `key` for `ttlMs`. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Stores `value` only when `key` holds no live entry; `true` when it did (a lock with expiry, single flight). */
  setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /** Appends `value` to a capped list under `key` (oldest dropped past `max`), kept for `ttlMs` after the last append. */
  append(key: string, value: unknown, options: { max: number; ttlMs: number }): Promise<void>;
  /** The capped list under `key`, oldest first. */
  range<T = unknown>(key: string): T[];
  /**
   * Adds each of `fields` (integers) to the counters under `key`, all at once for every process sharing the store (no
   * count is lost to a concurrent increment), and keeps `key` for `ttlMs` after this increment. Fleet metrics use it.
   * Optional, so that a custom store written before it still works (a stack then records no fleet metrics).
   */
  increment?(key: string, fields: Record<string, number>, ttlMs: number): Promise<void>;
  /**
   * The counters of every live key starting with `prefix`, as the backing service holds them now (Redis is asked,
   * not the mirror): for readers (`livekit-voice-stack metrics`, the dashboard), never on a turn's path.
   */
  counters?(prefix: string): Promise<Array<[key: string, fields: Record<string, number>]>>;
  /** Round trip to the backing service (`doctor`): resolves when it answered. */
  ping(): Promise<void>;
  /** Releases files, sockets and timers. */
  close(): Promise<void>;
}

/** Where a store reports an outage (a subset of the stack's `Logger`: `console` fits). */
export interface StoreLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

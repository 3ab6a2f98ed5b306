import type { StateStore, StoreLogger } from './state-store.js';

/** Options of {@link guardStore}. */
export interface GuardStoreOptions {
  /** Longest wait for any store call before it counts as failed, in ms. @default 250 */
  timeoutMs?: number;
  /** Where an outage is reported: once when it starts, once when the store answers again. @default console */
  logger?: StoreLogger;
}

const GUARDED = Symbol.for('livekit-voice-stack.guardedStore');
/** Outage warnings are at least this far apart, even if the store flaps. */
const WARN_INTERVAL_MS = 60_000;

/**
 * Wraps a store so that it never reaches a call: a synchronous throw, a rejection or a call that outlasts `timeoutMs`
 * reads as "no entry" (fail open). `setIfAbsent` then answers `true`, so the caller does the work itself rather than
 * wait for a lock nobody holds. `ping()` is the exception: it rejects, for `doctor`. Wrapping twice is a no-op.
 */
export function guardStore(store: StateStore, options: GuardStoreOptions = {}): StateStore {
  if ((store as { [GUARDED]?: true })[GUARDED]) return store;
  const timeoutMs = options.timeoutMs ?? 250;
  const logger = options.logger ?? console;
  let failing = false;
  let warnedAt = -Infinity;
  let warnedPromise = false;

  const fail = (operation: string, error: unknown) => {
    if (failing) return;
    failing = true;
    if (Date.now() - warnedAt < WARN_INTERVAL_MS) return;
    warnedAt = Date.now();
    logger.warn(
      `Failed to use the ${store.kind} state store (${operation}): ${reasonOf(error)}. Fix: check the store (\`npx livekit-voice-stack doctor\`); calls go on meanwhile without shared state.`,
      { store: store.kind, operation },
    );
  };
  // Only an answer from the backing service ends an outage: a read from a local mirror succeeds during one.
  const recovered = () => {
    if (!failing) return;
    failing = false;
    logger.info(`The ${store.kind} state store answers again`, { store: store.kind });
  };

  const read = <R>(operation: string, fallback: R, call: () => R): R => {
    try {
      const value = call();
      if (isThenable(value)) {
        // A contract violation, not an outage: said once, and every such read counts as absent (its rejection, if
        // any, is handled here, never an unhandled rejection that ends the process).
        value.then(undefined, () => undefined);
        if (!warnedPromise) {
          warnedPromise = true;
          logger.warn(
            `Failed to use the ${store.kind} state store (${operation}): it returned a Promise, but reads must answer synchronously from a local view. Fix: make get(), list() and range() synchronous (see createRedisStore(): a mirror kept current by pub/sub); meanwhile its reads count as absent.`,
            { store: store.kind, operation },
          );
        }
        return fallback;
      }
      return value;
    } catch (error) {
      fail(operation, error);
      return fallback;
    }
  };

  const bounded = <R>(operation: string, fallback: R, call: () => Promise<R>, rejectOnFailure = false): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      const settle = (error: unknown) => {
        fail(operation, error);
        if (rejectOnFailure) reject(error instanceof Error ? error : new Error(reasonOf(error)));
        else resolve(fallback);
      };
      const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref?.();
      try {
        Promise.resolve(call()).then(
          (value) => {
            clearTimeout(timer);
            recovered();
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            settle(error);
          },
        );
      } catch (error) {
        clearTimeout(timer);
        settle(error);
      }
    });

  return {
    [GUARDED]: true,
    kind: store.kind,
    get: <T>(key: string) => read<T | undefined>('get', undefined, () => store.get<T>(key)),
    list: <T>(prefix: string) => read<Array<[string, T]>>('list', [], () => store.list<T>(prefix)),
    range: <T>(key: string) => read<T[]>('range', [], () => store.range<T>(key)),
    set: (key, value, ttlMs) => bounded('set', undefined, () => store.set(key, value, ttlMs)),
    setIfAbsent: (key, value, ttlMs) => bounded('setIfAbsent', true, () => store.setIfAbsent(key, value, ttlMs)),
    delete: (key) => bounded('delete', undefined, () => store.delete(key)),
    append: (key, value, limits) => bounded('append', undefined, () => store.append(key, value, limits)),
    ...(store.increment && {
      increment: (key: string, fields: Record<string, number>, ttlMs: number) =>
        bounded('increment', undefined, () => store.increment!(key, fields, ttlMs)),
    }),
    ...(store.counters && { counters: (prefix: string) => bounded('counters', [], () => store.counters!(prefix)) }),
    ping: () => bounded('ping', undefined, () => store.ping(), true),
    close: () => bounded('close', undefined, () => store.close()),
  } as StateStore;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

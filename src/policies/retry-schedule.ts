import pRetry from 'p-retry';
import type { ResolvedRetryOptions } from '../config/policy-config.js';
import type { MaybePromise } from './cooldown-store.js';

type Backoff = Pick<ResolvedRetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'>;

/**
 * The wait before retry number `retryIndex + 1`: `initialDelayMs * factor^retryIndex`, capped at `maxDelayMs`.
 * With `jitter`, the wait is drawn between half and the whole of that ("equal jitter"): sessions that failed
 * together do not retry in step, and a wait never shrinks to nothing.
 */
export function backoffDelay(retry: Backoff, retryIndex: number, random: () => number = Math.random): number {
  const base = Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.factor ** retryIndex);
  return Math.round(retry.jitter ? base / 2 + random() * (base / 2) : base);
}

export interface RetryWindowOptions {
  retry: ResolvedRetryOptions;
  /** When the episode started (epoch ms): the window runs from here. */
  startedAt: number;
  /** Aborts the wait and the loop (the consumer closed the stream, or the stack closed). */
  signal: AbortSignal;
  /**
   * After a failed pass: in how many ms an option can be tried again (0 now, more while every option cools down),
   * or `undefined` when none ever will in this episode (every option rejected the request).
   */
  availableInMs(): MaybePromise<number | undefined>;
  /** Called before each wait, with the retry number (1 for the first) and the wait. */
  onWait(wait: { retry: number; delayMs: number; error: unknown }): void;
}

/**
 * Runs `pass` until it resolves, waiting between failed passes with exponential backoff and jitter (p-retry drives
 * the loop), until `retry.windowMs` is spent. Waits honour cooldowns: when every option is cooling, the wait lasts
 * until the first one is available again. When no option can be available before the window ends, it stops at once
 * rather than hold the caller for nothing. Rejects with the last pass's error when the window is spent.
 */
export function runWithinWindow<T>(pass: (passNumber: number) => Promise<T>, options: RetryWindowOptions): Promise<T> {
  const { retry, startedAt, signal } = options;
  return pRetry(pass, {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: 0, // the waits happen in shouldRetry, where cooldowns and the window are known
    signal,
    shouldRetry: async ({ error, retriesConsumed }) => {
      const remaining = startedAt + retry.windowMs - Date.now();
      if (remaining <= 0) return false;
      const availableIn = await options.availableInMs();
      if (availableIn === undefined || availableIn > remaining) return false;
      const delayMs = Math.min(remaining, Math.max(availableIn, backoffDelay(retry, retriesConsumed)));
      options.onWait({ retry: retriesConsumed + 1, delayMs, error });
      await delay(delayMs, signal);
      return true;
    },
  });
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts; leaves no timer behind. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

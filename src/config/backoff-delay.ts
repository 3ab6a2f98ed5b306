import type { ResolvedRetryOptions } from './policy-config.js';

/** The fields of the retry options that shape a backoff. */
export type Backoff = Pick<ResolvedRetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'>;

/**
 * The wait before retry number `retryIndex + 1`: `initialDelayMs * factor^retryIndex`, capped at `maxDelayMs`.
 * With `jitter`, the wait is drawn between half and the whole of that ("equal jitter"): sessions that failed
 * together do not retry in step, and a wait never shrinks to nothing.
 */
export function backoffDelay(retry: Backoff, retryIndex: number, random: () => number = Math.random): number {
  const base = Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.factor ** retryIndex);
  return Math.round(retry.jitter ? base / 2 + random() * (base / 2) : base);
}

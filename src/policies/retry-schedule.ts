import type { ResolvedRetryOptions } from '../config/policy-config.js';
import { backoffDelay } from '../config/backoff-delay.js';
import { sleep } from '../state/sleep.js';

/** A value or a promise of it. */
type MaybePromise<T> = T | Promise<T>;

/**
 * The schedule of one retry window: when it opened, how many waits it made, whether it is spent. A turn's window
 * opens when the turn starts and ends the loop when it is spent; a live stream's (`persistent`) opens at the first
 * failed pass of an outage, keeps trying when spent (waits capped at `maxDelayMs`), and {@link RetryWindow.reset}
 * closes it when the stream works again, so the next outage starts from the first backoff step.
 */
export class RetryWindow {
  readonly retry: ResolvedRetryOptions;
  readonly persistent: boolean;
  #startedAt: number | undefined;
  #waits = 0;
  #spent = false;

  constructor(retry: ResolvedRetryOptions, options: { startedAt?: number | undefined; persistent?: boolean } = {}) {
    this.retry = retry;
    this.persistent = options.persistent ?? false;
    this.#startedAt = options.startedAt;
  }

  /** When the window opened (epoch ms), `undefined` while a persistent window is closed. */
  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  /** How many waits this window made. */
  get waits(): number {
    return this.#waits;
  }

  /** Opens the window at `now` if it is closed; `true` when it just opened. */
  open(now: number): boolean {
    if (this.#startedAt !== undefined) return false;
    this.#startedAt = now;
    return true;
  }

  /** The ms left in the window (0 or less: spent). */
  remainingMs(now: number): number {
    return (this.#startedAt ?? now) + this.retry.windowMs - now;
  }

  /** Marks a persistent window spent; `true` the first time. */
  spend(): boolean {
    if (this.#spent) return false;
    this.#spent = true;
    return true;
  }

  /**
   * The wait before the next pass, given when an option is available again (`availableInMs`, `undefined`: none in
   * this episode) and the ms left; `undefined` to stop. Waits honour cooldowns: while every option cools down, the
   * wait lasts until the first one is available again.
   */
  nextDelay(availableInMs: number | undefined, remainingMs: number): number | undefined {
    const backoff = backoffDelay(this.retry, this.#waits);
    if (this.persistent) {
      this.#waits++;
      return Math.max(Math.min(availableInMs ?? 0, this.retry.maxDelayMs), backoff);
    }
    if (availableInMs === undefined || availableInMs > remainingMs) return undefined;
    this.#waits++;
    return Math.min(remainingMs, Math.max(availableInMs, backoff));
  }

  /** The stream works again: the next failure opens a new window. */
  reset(): void {
    this.#startedAt = undefined;
    this.#waits = 0;
    this.#spent = false;
  }
}

export interface RetryWindowOptions {
  /** The window: `new RetryWindow(retry, { startedAt })` for a turn, `{ persistent: true }` for a live stream. */
  window: RetryWindow;
  /** Aborts the wait and the loop (the consumer closed the stream, or the stack closed). */
  signal: AbortSignal;
  /**
   * After a failed pass: in how many ms an option can be tried again (0 now, more while every option cools down),
   * or `undefined` when none ever will in this episode (every option rejected the request).
   */
  availableInMs(): MaybePromise<number | undefined>;
  /** A persistent window opened (the first failed pass of an outage). */
  onOpen?(error: unknown): void;
  /** A persistent window is spent: called once, then the loop keeps trying. */
  onSpent?(): void;
  /** Called before each wait, with the retry number (1 for the first) and the wait. */
  onWait(wait: { retry: number; delayMs: number; error: unknown }): void;
}

/**
 * The one retry loop of the chains: runs `pass` until it resolves, waiting between failed passes with exponential
 * backoff and equal jitter ({@link RetryWindow} computes the waits). A turn's window stops the loop when it is spent,
 * or at once when no option can be available before it ends (rather than hold the caller for nothing), rejecting with
 * the last pass's error; a persistent window keeps trying until `signal` aborts.
 *
 * A plain loop rather than p-retry: p-retry's waits come from fixed options (`minTimeout · factor^n`, a 1–2×
 * random factor), while these depend on the pass that just failed (until the first cooling option is available
 * again, never past the window) and use equal jitter. p-retry kept only the loop, sleeping inside `shouldRetry`.
 */
export async function runWithinWindow<T>(pass: (passNumber: number) => Promise<T>, options: RetryWindowOptions): Promise<T> {
  const { window, signal } = options;
  for (let passNumber = 1; ; passNumber++) {
    signal.throwIfAborted();
    let failure: unknown;
    try {
      const result = await pass(passNumber);
      // Aborted meanwhile: the caller is gone, so even a success is not delivered (and is not a failed pass).
      signal.throwIfAborted();
      return result;
    } catch (error) {
      failure = error;
    }
    if (signal.aborted) throw failure;
    const now = Date.now();
    if (window.open(now)) options.onOpen?.(failure);
    const remaining = window.remainingMs(now);
    if (remaining <= 0) {
      if (!window.persistent) throw failure;
      if (window.spend()) options.onSpent?.();
    }
    const delayMs = window.nextDelay(await options.availableInMs(), remaining);
    if (delayMs === undefined) throw failure;
    options.onWait({ retry: window.waits, delayMs, error: failure });
    await sleep(delayMs, signal);
  }
}

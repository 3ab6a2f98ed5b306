import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_OPTIONS } from '../../src/config/policy-config.js';
import { RetryWindow, runWithinWindow } from '../../src/policies/retry-schedule.js';

const retry = { ...DEFAULT_RETRY_OPTIONS, jitter: false, initialDelayMs: 1, maxDelayMs: 4, windowMs: 1_000, hedgeAfterMs: undefined };

describe('RetryWindow', () => {
  it("a turn's window backs off, waits for a cooldown, and stops when nothing is available before it ends", () => {
    const window = new RetryWindow(retry, { startedAt: 0 });
    expect([window.nextDelay(0, 1_000), window.nextDelay(0, 1_000), window.nextDelay(0, 1_000), window.nextDelay(0, 1_000)]).toEqual([
      1, 2, 4, 4,
    ]);
    expect(window.nextDelay(300, 1_000)).toBe(300); // every option cools for 300 ms: wait for the first
    expect(window.nextDelay(300, 200)).toBeUndefined(); // not before the window ends
    expect(window.nextDelay(undefined, 1_000)).toBeUndefined(); // every option refused the request
  });

  it("a stream's window opens at the first failure, keeps trying when spent, and starts over after a recovery", () => {
    const window = new RetryWindow(retry, { persistent: true });
    expect(window.startedAt).toBeUndefined();
    expect(window.open(5)).toBe(true);
    expect(window.open(6)).toBe(false);
    expect(window.remainingMs(5 + 1_000)).toBe(0);
    expect(window.spend()).toBe(true);
    expect(window.spend()).toBe(false);
    expect(window.nextDelay(60_000, 0)).toBe(4); // capped at maxDelayMs, never stops
    expect(window.nextDelay(undefined, -5)).toBe(2);
    window.reset();
    expect(window.startedAt).toBeUndefined();
    expect(window.nextDelay(0, 1_000)).toBe(1);
  });
});

describe('runWithinWindow', () => {
  it('runs passes until one succeeds, reporting each wait', async () => {
    const waits: number[] = [];
    let passes = 0;
    const result = await runWithinWindow(
      async () => {
        if (++passes < 3) throw new Error(`pass ${passes} failed`);
        return 'answered';
      },
      {
        window: new RetryWindow(retry, { startedAt: Date.now() }),
        signal: new AbortController().signal,
        availableInMs: () => 0,
        onWait: ({ retry: attempt }) => void waits.push(attempt),
      },
    );
    expect(result).toBe('answered');
    expect(waits).toEqual([1, 2]);
  });

  it('rejects with the last error once the window is spent', async () => {
    let passes = 0;
    const run = runWithinWindow(
      async () => {
        throw new Error(`pass ${++passes} failed`);
      },
      {
        window: new RetryWindow({ ...retry, windowMs: 0 }, { startedAt: Date.now() }),
        signal: new AbortController().signal,
        availableInMs: () => 0,
        onWait: () => undefined,
      },
    );
    await expect(run).rejects.toThrow('pass 1 failed');
  });

  it('a persistent window reports its opening and its end once, and keeps going', async () => {
    const calls: string[] = [];
    let passes = 0;
    await runWithinWindow(
      async () => {
        if (++passes < 4) throw new Error('down');
      },
      {
        window: new RetryWindow({ ...retry, windowMs: 0 }, { persistent: true }),
        signal: new AbortController().signal,
        availableInMs: () => 0,
        onOpen: () => void calls.push('open'),
        onSpent: () => void calls.push('spent'),
        onWait: () => void calls.push('wait'),
      },
    );
    expect(calls).toEqual(['open', 'spent', 'wait', 'wait', 'wait']);
  });
});

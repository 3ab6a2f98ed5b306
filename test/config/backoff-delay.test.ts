import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/config/backoff-delay.js';

describe('backoffDelay', () => {
  const retry = { initialDelayMs: 500, maxDelayMs: 8_000, factor: 2, jitter: false };
  it('grows exponentially up to maxDelayMs', () => {
    expect([0, 1, 2, 3, 4, 5].map((index) => backoffDelay(retry, index))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });
  it('with jitter, draws between half and the whole of the delay', () => {
    expect(backoffDelay({ ...retry, jitter: true }, 2, () => 0)).toBe(1_000);
    expect(backoffDelay({ ...retry, jitter: true }, 2, () => 0.999_999)).toBe(2_000);
  });
});

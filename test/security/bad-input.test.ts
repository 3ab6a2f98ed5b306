import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src/config/durations.js';
import { createProviderResolver, createVoiceStack } from '../../src/index.js';
import { configProblems } from '../helpers/config-problems.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('durations: whole milliseconds within timer range, the same rule everywhere', () => {
  it('the config refuses a zero stall timeout, a timer overflow and fractions, naming field and fix', async () => {
    expect(await configProblems({ retry: { stallTimeoutMs: 0 } })).toContain(
      'retry.stallTimeoutMs: expected `stallTimeoutMs` of at least 10 ms, got 0. Fix: use 10 or more.',
    );
    expect(await configProblems({ verbal: { holdingAfterMs: 3e9 } })).toContain(
      `verbal.holdingAfterMs: expected \`holdingAfterMs\` of at most ${MAX_TIMER_MS} ms, got 3000000000.`,
    );
    expect(await configProblems({ retry: { initialDelayMs: 2.5 } })).toContain(
      'retry.initialDelayMs: expected `initialDelayMs` as a whole number of milliseconds, got 2.5.',
    );
    expect(await configProblems({ llm: { provider: 'llama-cpp', timeoutMs: 0 } })).toContain(
      'llm.timeoutMs: expected `timeoutMs` of at least 10 ms',
    );
  });

  it('doctor --timeout: the same rule, exit 2 with the fix (no RangeError, no overflow)', async () => {
    for (const [value, problem] of [
      ['1.5', 'expected --timeout as a whole number of milliseconds, got 1.5. Fix: use --timeout 2.'],
      ['3000000000', `expected --timeout of at most ${MAX_TIMER_MS} ms, got 3000000000.`],
      ['0', 'expected --timeout of at least 10 ms, got 0.'],
      ['soon', 'expected --timeout as a whole number of milliseconds, got NaN.'],
    ]) {
      const result = await runCliInProcess(['doctor', '--timeout', value!], { LOCAL_LLM_BASE_URL: 'http://127.0.0.1:9/v1' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(problem);
    }
  });

  it('the resolver refuses a fractional or overflowing timeoutMs when it is created, not at each request', () => {
    expect(() => createProviderResolver({ url: 'https://backend.test', apiKey: 'k', timeoutMs: 2500.5 })).toThrow(
      /timeoutMs: expected `timeoutMs` as a whole number of milliseconds, got 2500\.5\. Fix: use 2501\./,
    );
    expect(() => createProviderResolver({ url: 'https://backend.test', apiKey: 'k', ttlMs: 3e9 })).toThrow(
      /ttlMs: expected `ttlMs` of at most/,
    );
  });

  it('health() refuses the same', async () => {
    const stack = await createVoiceStack({ llm: { provider: 'llama-cpp', baseURL: 'http://127.0.0.1:9/v1' } }, { env: {}, logger: quiet });
    try {
      await expect(stack.health({ timeoutMs: 1.5 })).rejects.toThrow(
        /timeoutMs: expected `timeoutMs` as a whole number of milliseconds, got 1\.5/,
      );
      await expect(stack.health({ timeoutMs: 3e9 })).rejects.toThrow(/of at most 2147483647 ms/);
    } finally {
      await stack.close();
    }
  });
});

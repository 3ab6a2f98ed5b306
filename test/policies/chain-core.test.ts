import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_OPTIONS } from '../../src/config/policy-config.js';
import { type ErrorCategory, ProviderError } from '../../src/errors/index.js';
import type { ProviderOption } from '../../src/providers/provider-option.js';
import { availableIn, ChainCore, cooldownEntryFor, cooldownKey, passOrder, supersedes } from '../../src/policies/chain-core.js';
import type { CooldownEntry } from '../../src/policies/cooldown-store.js';
import { createMemoryStore } from '../../src/state/create-memory-store.js';
import { failingStore } from '../helpers/state.js';
import { recordingLogger } from '../helpers/recorders.js';
import type { VoiceStackEvents } from '../../src/policies/events.js';

const NOW = 1_000_000;
const retry = { ...DEFAULT_RETRY_OPTIONS, hedgeAfterMs: undefined };

/** An option as the core sees it: the core never touches the LiveKit instance. */
function option(label: string, extra: Partial<ProviderOption<'llm'>> = {}): ProviderOption<'llm'> {
  const [provider, model] = label.split('/') as [string, string];
  return {
    modality: 'llm',
    provider,
    model,
    label,
    path: `llm[${label}]`,
    lastResort: false,
    source: undefined,
    ...extra,
  } as ProviderOption<'llm'>;
}

function entry(category: ErrorCategory, until: number): CooldownEntry {
  return { category, until, at: NOW - 1 };
}

function failure(category: ErrorCategory, retryAfterMs?: number): ProviderError {
  return new ProviderError(`Failed to get an LLM reply from a/a: ${category}.`, { category, modality: 'llm', label: 'a/a', retryAfterMs });
}

const [a, b, c] = [option('a/a'), option('b/b'), option('c/c')];

describe('passOrder', () => {
  it('keeps the config order when every option is healthy', () => {
    expect(passOrder([a, b, c], [], new Set(), NOW)).toEqual([a, b, c]);
  });

  it('puts a demoted option (any failure but 429/402) after the healthy ones, and back once its demotion ends', () => {
    expect(passOrder([a, b, c], [entry('server', NOW + 1)], new Set(), NOW)).toEqual([b, c, a]);
    expect(passOrder([a, b, c], [entry('server', NOW)], new Set(), NOW)).toEqual([a, b, c]);
  });

  it('leaves out a cooling option (429/402) until its cooldown ends', () => {
    expect(passOrder([a, b, c], [undefined, entry('rate_limit', NOW + 1), entry('quota', NOW + 1)], new Set(), NOW)).toEqual([a]);
    expect(passOrder([a, b, c], [undefined, entry('rate_limit', NOW)], new Set(), NOW)).toEqual([a, b, c]);
  });

  it('tries last-resort options after every remote one, demoted remote ones included', () => {
    const local = option('llama-cpp/local', { lastResort: true });
    expect(passOrder([local, a, b], [undefined, entry('timeout', NOW + 1)], new Set(), NOW)).toEqual([b, a, local]);
    expect(passOrder([local, a], [entry('server', NOW + 1)], new Set(), NOW)).toEqual([a, local]);
  });

  it('leaves out the options skipped in this run', () => {
    expect(passOrder([a, b, c], [], new Set([b]), NOW)).toEqual([a, c]);
  });
});

describe('availableIn', () => {
  it('is 0 when an option is not cooling (a demoted one counts: it is tried, last)', () => {
    expect(availableIn([a, b], [entry('rate_limit', NOW + 5_000), entry('server', NOW + 5_000)], new Set(), NOW)).toBe(0);
  });

  it('is the end of the first cooldown when every option cools', () => {
    expect(availableIn([a, b], [entry('rate_limit', NOW + 5_000), entry('quota', NOW + 2_000)], new Set(), NOW)).toBe(2_000);
  });

  it('is undefined when every option is skipped', () => {
    expect(availableIn([a, b], [], new Set([a, b]), NOW)).toBeUndefined();
  });
});

describe('cooldownEntryFor and supersedes', () => {
  const durations = { defaultCooldownMs: 30_000, demotionMs: 20_000 };

  it('cools a 429 until its Retry-After, or the default cooldown without one', () => {
    expect(cooldownEntryFor(failure('rate_limit', 7_000), NOW, durations)).toMatchObject({ category: 'rate_limit', until: NOW + 7_000 });
    expect(cooldownEntryFor(failure('quota'), NOW, durations)).toMatchObject({ category: 'quota', until: NOW + 30_000 });
  });

  it('demotes any other failure for demotionMs, whatever Retry-After says', () => {
    expect(cooldownEntryFor(failure('server', 7_000), NOW, durations)).toMatchObject({ category: 'server', until: NOW + 20_000 });
  });

  it('never shortens a running cooldown, but a longer one or any demotion replaces a shorter entry', () => {
    expect(supersedes(entry('rate_limit', NOW + 1_000), entry('rate_limit', NOW + 5_000), NOW)).toBe(false);
    expect(supersedes(entry('rate_limit', NOW + 9_000), entry('rate_limit', NOW + 5_000), NOW)).toBe(true);
    expect(supersedes(entry('server', NOW + 1_000), entry('server', NOW + 5_000), NOW)).toBe(true);
    expect(supersedes(entry('server', NOW + 1_000), undefined, NOW)).toBe(true);
  });
});

describe('ChainCore', () => {
  it('keys options by modality, label and endpoint, so stacks on one store share cooldowns', () => {
    expect(cooldownKey('llm', a)).toBe('fleet:option:llm:a/a@llm[a/a]#env');
    const sourced = option('openrouter/x', { source: { options: { baseURL: 'http://proxy/v1' } } as ProviderOption['source'] });
    expect(cooldownKey('llm', sourced)).toBe('fleet:option:llm:openrouter/x@http://proxy/v1#env');
    expect(cooldownKey('tts', sourced)).toBe('fleet:option:tts:openrouter/x@http://proxy/v1#env');
  });

  it('keys two tenants with their own keys on one model apart, by a hash that never shows the key', () => {
    const tenant = (apiKey: string) =>
      option('openai/gpt-4.1-mini', { source: { options: { apiKey, baseURL: 'https://api.openai.com/v1' } } as ProviderOption['source'] });
    const acme = cooldownKey('llm', tenant('sk' + '-acme-0123456789abcdef'));
    const globex = cooldownKey('llm', tenant('sk' + '-globex-0123456789abcdef'));
    expect(acme).not.toBe(globex);
    expect(acme).toBe(cooldownKey('llm', tenant('sk' + '-acme-0123456789abcdef')));
    expect(acme).toMatch(/^fleet:option:llm:openai\/gpt-4\.1-mini@https:\/\/api\.openai\.com\/v1#[0-9a-f]{12}$/);
    expect(acme).not.toContain('0123456789');
  });

  it('clamps Retry-After to maxCooldownMs (10 minutes by default), and ignores one that is not a number', () => {
    const durations = { defaultCooldownMs: 30_000, demotionMs: 30_000 };
    expect(cooldownEntryFor(failure('rate_limit', 100_000_000_000_000_000), NOW, durations).until).toBe(NOW + 600_000);
    expect(cooldownEntryFor(failure('rate_limit', 1_000_000_000_000), NOW, { ...durations, maxCooldownMs: 60_000 }).until).toBe(
      NOW + 60_000,
    );
    expect(cooldownEntryFor(failure('rate_limit', Number.NaN), NOW, durations).until).toBe(NOW + 30_000);
    expect(cooldownEntryFor(failure('rate_limit', 5_000), NOW, durations).until).toBe(NOW + 5_000);
  });

  it('records a 429 in the store, skips the option, and forgets it with one `recovered` when it answers again', async () => {
    const store = createMemoryStore();
    const events = new EventEmitter<VoiceStackEvents>();
    const recovered: string[] = [];
    events.on('recovered', ({ provider, model }) => recovered.push(`${provider}/${model}`));
    const core = new ChainCore('llm', { options: [a, b], retry, logger: recordingLogger(), events, store });
    await core.recordFailure(a, failure('rate_limit', 60_000));
    // With what the dashboard lists of it.
    expect(store.get(core.keyOf(a))).toMatchObject({ category: 'rate_limit', label: 'a/a', modality: 'llm', state: 'cooling' });
    expect(core.planNow()).toEqual([b]);
    core.markHealthy(b); // no entry: nothing to forget, no event
    core.markHealthy(a);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.list('fleet:option:')).toEqual([]);
    expect(recovered).toEqual(['a/a']);
    expect(core.planNow()).toEqual([a, b]);
  });

  it('keeps the longer cooldown another process wrote', async () => {
    const store = createMemoryStore();
    const core = new ChainCore('llm', { options: [a], retry, logger: recordingLogger(), store });
    const longer = entry('rate_limit', Date.now() + 120_000);
    await store.set(core.keyOf(a), longer, 120_000);
    await core.recordFailure(a, failure('rate_limit', 1_000));
    expect(store.get(core.keyOf(a))).toEqual(longer);
  });

  it('logs a throwing listener instead of breaking the chain, for every event, `recovered` included', async () => {
    const events = new EventEmitter<VoiceStackEvents>();
    const logger = recordingLogger();
    events.on('recovered', () => {
      throw new Error('listener bug');
    });
    events.on('fallback', () => {
      throw new Error('listener bug');
    });
    const core = new ChainCore('llm', { options: [a, b], retry, logger, events, store: createMemoryStore() });
    await core.recordFailure(a, failure('server'));
    core.moveTo(b, { option: a, error: failure('server') });
    core.markHealthy(a);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger.entries.map((entry) => entry.message)).toContain("a 'fallback' listener threw");
    expect(logger.entries.map((entry) => entry.message)).toContain("a 'recovered' listener threw");
    expect(logger.lines.some((line) => line.includes('state store'))).toBe(false);
  });

  it.each(['reject', 'throw', 'hang'] as const)('treats a store that %ss as holding no cooldown, and logs it once', async (how) => {
    const logger = recordingLogger();
    const core = new ChainCore('stt', { options: [a, b] as never, retry, logger, store: failingStore(how) });
    for (let turn = 0; turn < 5; turn++) {
      await core.recordFailure(a as never, failure('quota'));
      expect(core.planNow()).toEqual([a, b]);
      core.markHealthy(a as never);
    }
    expect(logger.lines.filter((line) => line.includes('state store'))).toHaveLength(1);
  });

  it('makes timeouts and stalls as errors of their own category, worded for the modality', () => {
    const core = new ChainCore('tts', { options: [a] as never, retry, logger: recordingLogger() });
    const timeout = core.timeoutError(a as never, 'no audio within 10000 ms');
    const stall = core.stallError(a as never, 'no audio for 5000 ms');
    expect(timeout).toMatchObject({ category: 'timeout', modality: 'tts', isRetryable: true });
    expect(timeout.message).toBe('Failed to get a TTS reply from a/a: timed out before the first audio (no audio within 10000 ms).');
    expect(stall).toMatchObject({ category: 'stall', modality: 'tts' });
    expect(stall.message).toBe('Failed to get a TTS reply from a/a: stalled mid-stream (no audio for 5000 ms).');
  });

  it('refuses a chain without options with a config error that says the fix', () => {
    expect(() => new ChainCore('stt', { options: [], retry, logger: recordingLogger() })).toThrow(/Fix: give at least one STT/);
  });
});

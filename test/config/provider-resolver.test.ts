import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProviderResolver, createVoiceStack, type Logger, voiceStackConfigFromEnv, VoiceStackError } from '../../src/index.js';
import { mockOpenAIEndpoint, mockProviderBackend, startTextSession } from '../../src/testing/index.js';
import { createMemoryStore } from '../../src/index.js';
import { useMswServer } from '../helpers/msw.js';
import { eventually } from '../helpers/state.js';

const URL = 'https://backend.acme.test';
const backend = mockProviderBackend({
  url: URL,
  apiKey: 'backend-key-0123456789',
  orgs: {
    acme: {
      llm: [
        { provider: 'llama-cpp', config: { baseURL: 'http://acme-llama.test:8080/v1' }, priority: 1 },
        { provider: 'openai', config: { model: 'gpt-4.1-mini' }, secrets: { apiKey: 'sk-acme-secret-0001' }, priority: 10 },
        { provider: 'openrouter', config: { model: 'x/disabled' }, priority: 99, isEnabled: false },
      ],
    },
    globex: {
      llm: [
        {
          provider: 'openai-compatible',
          config: { baseURL: 'http://globex-vllm.test/v1', model: 'qwen3-8b' },
          secrets: { apiKey: 'sk-globex-secret-0002' },
          priority: 5,
        },
      ],
    },
  },
});
const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Hello Acme.' });
useMswServer(...backend.handlers, ...openai.handlers);

const ENV = { OPENAI_API_KEY: 'sk-env-0000000000', OPENAI_LLM_MODEL: 'env-model' };

function silentLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (message: string, fields?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, debug: log, info: log, warn: log, error: log };
}

function resolver(options: Partial<Parameters<typeof createProviderResolver>[0]> = {}) {
  const logger = silentLogger();
  return {
    logger,
    resolver: createProviderResolver({
      url: URL,
      apiKey: 'backend-key-0123456789',
      env: ENV,
      logger,
      store: createMemoryStore(),
      ...options,
    }),
  };
}

afterEach(() => {
  backend.reset();
  vi.useRealTimers();
});

describe('createProviderResolver', () => {
  it('asks once per modality with the org header and bearer key, and orders enabled records by priority with secrets merged', async () => {
    const { resolver: orgs } = resolver({ envFallback: false });
    const config = await orgs.resolve('acme');
    expect(config.llm).toEqual([
      { provider: 'openai', model: 'gpt-4.1-mini', apiKey: 'sk-acme-secret-0001', orgId: 'acme' },
      { provider: 'llama-cpp', baseURL: 'http://acme-llama.test:8080/v1', orgId: 'acme' },
    ]);
    expect(config.stt).toBeUndefined();
    expect(backend.requests.map((request) => request.type).sort()).toEqual(['llm', 'stt', 'tts']);
    expect(backend.requests.every((request) => request.orgId === 'acme' && request.authorization === 'Bearer backend-key-0123456789')).toBe(
      true,
    );
  });

  it('the resolved config builds a stack that answers through the org provider', async () => {
    openai.reset();
    const { resolver: orgs } = resolver({ envFallback: false });
    const config = await orgs.resolve('acme');
    const stack = await createVoiceStack({ llm: (config.llm as unknown[])[0] as never });
    const session = await startTextSession(stack);
    try {
      expect((await session.ask('Hi')).text).toBe('Hello Acme.');
      expect(openai.chatRequests()[0]?.headers.authorization).toBe('Bearer sk-acme-secret-0001');
    } finally {
      await session.close();
      await stack.close();
    }
  });

  it('serves the cache within the TTL, asks again after it, and after invalidate()', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { resolver: orgs } = resolver({ ttlMs: 1_000 });
    await orgs.resolve('acme');
    await orgs.resolve('acme');
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(1);
    vi.advanceTimersByTime(1_001);
    await orgs.resolve('acme'); // served at once; refreshed in the background
    await eventually(() => backend.requestsFor('acme', 'llm').length === 2);
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(2);
    await orgs.invalidate('acme');
    await orgs.resolve('acme');
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(3);
  });

  it('shares one request between concurrent resolves of one organisation', async () => {
    backend.use({ delayMs: 30 });
    const { resolver: orgs } = resolver();
    const configs = await Promise.all(Array.from({ length: 5 }, () => orgs.resolve('acme')));
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(1);
    expect(new Set(configs.map((config) => JSON.stringify(config))).size).toBe(1);
    configs[0]!.llm = [];
    expect(configs[1]!.llm).toHaveLength(2); // each caller has its own copy
  });

  it('serves an expired entry at once while the backend is down, backs off, and logs without the key', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { resolver: orgs, logger } = resolver({ ttlMs: 1_000, envFallback: false, refreshBackoffMs: 10_000 });
    const fresh = await orgs.resolve('acme');
    vi.advanceTimersByTime(1_001);
    backend.use({ status: 503, delayMs: 200 });
    const started = performance.now();
    expect(await orgs.resolve('acme')).toEqual(fresh);
    expect(performance.now() - started).toBeLessThan(150); // not behind the slow, failing backend
    await eventually(() => logger.lines.some((line) => line.includes('HTTP 503')));
    expect(logger.lines.join('\n')).toMatch(/Failed to refresh the providers of organisation "acme".*asking again in 10 s.*HTTP 503/);
    expect(logger.lines.join('\n')).not.toMatch(/sk-acme|backend-key/);
    backend.reset();
    for (let call = 0; call < 5; call++) expect(await orgs.resolve('acme')).toEqual(fresh); // backing off: no request
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(0);
    vi.advanceTimersByTime(10_001);
    await orgs.resolve('acme'); // the backoff is over: one refresh in the background
    await eventually(() => backend.requestsFor('acme', 'llm').length === 1);
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(1);
  });

  it('stops serving an entry past maxStaleMs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { resolver: orgs } = resolver({ ttlMs: 1_000, maxStaleMs: 5_000 });
    await orgs.resolve('acme');
    backend.use({ reset: true });
    vi.advanceTimersByTime(6_001);
    expect((await orgs.resolve('acme')).llm).toEqual([{ provider: 'openai', model: 'env-model', apiKey: 'sk-env-0000000000' }]);
  });

  it('keeps the good entry when the backend answers with a bad record (an unknown provider)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { resolver: orgs, logger } = resolver({ ttlMs: 1_000 });
    const good = await orgs.resolve('acme');
    vi.advanceTimersByTime(1_001);
    backend.use({ type: 'llm', body: [{ provider: 'not-a-provider', config: {}, priority: 1, isEnabled: true }] });
    expect(await orgs.resolve('acme')).toEqual(good);
    await eventually(() => logger.lines.some((line) => line.includes('not-a-provider')));
    expect(logger.lines.join('\n')).toMatch(/Failed to refresh the providers of organisation "acme".*not-a-provider/);
    expect(await orgs.resolve('acme')).toEqual(good);
  });

  it('falls back to the env config with no entry, or throws a clear error when envFallback is off', async () => {
    backend.use({ reset: true });
    const { resolver: withEnv, logger } = resolver();
    expect((await withEnv.resolve('acme')).llm).toEqual([{ provider: 'openai', model: 'env-model', apiKey: 'sk-env-0000000000' }]);
    expect(logger.lines.join('\n')).toMatch(/using the env config/);

    const { resolver: strict } = resolver({ envFallback: false });
    const error = await strict.resolve('globex').catch((caught: unknown) => caught);
    expect(VoiceStackError.isInstance(error) && error.code).toBe('CONFIG_UNAVAILABLE');
    expect((error as Error).message).toMatch(
      /Failed to load the (stt|llm|tts) providers of organisation "globex" from https:\/\/backend\.acme\.test: .*Fix:/,
    );
  });

  it('fills the slots an organisation has no provider for from env, only when envFallback is on', async () => {
    const { resolver: withEnv } = resolver();
    expect(await withEnv.resolve('initech')).toEqual(voiceStackConfigFromEnv(ENV));
    const acme = await withEnv.resolve('acme');
    expect(acme.llm).toHaveLength(2); // its own LLM chain
    expect(acme.tts).toEqual(voiceStackConfigFromEnv(ENV).tts); // the platform's speech
    const { resolver: strict } = resolver({ envFallback: false });
    expect(await strict.resolve('initech')).toEqual({});
  });

  it('names the wrong key for a 401', async () => {
    const { resolver: orgs } = resolver({ apiKey: 'wrong-key', envFallback: false });
    await expect(orgs.resolve('acme')).rejects.toThrow(
      /the backend refused the resolver's key \(HTTP 401\)\. Fix: set the resolver's `apiKey` to a key your backend accepts\./,
    );
  });

  it('never gives one organisation another one’s entry, with interleaved and single-flight requests', async () => {
    backend.use({ orgId: 'acme', delayMs: 40, times: 3 }, { orgId: 'globex', delayMs: 5, times: 3 });
    const { resolver: orgs } = resolver({ envFallback: false });
    const results = await Promise.all(
      ['acme', 'globex', 'acme', 'globex', 'initech', 'acme'].map(async (orgId) => ({ orgId, config: await orgs.resolve(orgId) })),
    );
    for (const { orgId, config } of results) {
      const text = JSON.stringify(config);
      if (orgId === 'acme') expect(text).toContain('sk-acme-secret-0001');
      else expect(text).not.toContain('sk-acme');
      if (orgId === 'globex') expect(text).toContain('sk-globex-secret-0002');
      else expect(text).not.toContain('sk-globex');
    }
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(1);
    expect(backend.requestsFor('globex', 'llm')).toHaveLength(1);
    // cached entries stay apart too
    expect(JSON.stringify(await orgs.resolve('globex'))).not.toContain('sk-acme');
  });

  it('rejects a malformed answer with a message naming the field, never echoing a secret', async () => {
    backend.use({
      type: 'llm',
      body: [
        { provider: 'openai', config: { model: 'm' }, secrets: 'sk-leaky-0123456789', priority: 1, isEnabled: true },
        { provider: 'openai', config: {}, priority: 'high', isEnabled: true },
      ],
    });
    const { resolver: orgs } = resolver({ envFallback: false });
    const error = (await orgs.resolve('acme').catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain('llm[0].secrets: expected an object of keys');
    expect(error.message).toContain('llm[1].priority: expected a number, got "high"');
    expect(error.message).toContain('type=llm, organisation "acme"');
    expect(error.message).not.toContain('sk-leaky');
  });

  it('rejects an answer that is not an array', async () => {
    backend.use({ type: 'stt', body: { providers: [] } });
    const { resolver: orgs } = resolver({ envFallback: false });
    await expect(orgs.resolve('acme')).rejects.toThrow(/stt: expected an array of provider records/);
  });

  it('refuses an answer larger than 1 MiB without reading on (an endless body)', async () => {
    let pulled = 0;
    const record = new TextEncoder().encode('{"provider":"openai","config":{"model":"m"},"priority":1,"isEnabled":true},');
    const endless = () =>
      new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(new TextEncoder().encode('[')),
        pull: (controller) => {
          pulled += record.length;
          controller.enqueue(record);
        },
      });
    const { resolver: orgs } = resolver({
      envFallback: false,
      fetch: async () => new Response(endless(), { headers: { 'content-type': 'application/json' } }),
    });
    const error = (await orgs.resolve('acme').catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain('the answer is larger than 1024 KiB');
    expect(error.message).toContain('organisation "acme"');
    expect(pulled).toBeLessThan(3 * 2 * 1_048_576); // three modalities, each read to 1 MiB at most
  });

  it('shares the cache through the store: a second worker does not ask the backend', async () => {
    const store = createMemoryStore();
    const first = resolver({ store }).resolver;
    await first.resolve('acme');
    const second = resolver({ store }).resolver; // another worker sharing the store
    await second.resolve('acme');
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(1);
    await second.invalidate(); // fleet-wide
    await first.resolve('acme');
    expect(backend.requestsFor('acme', 'llm')).toHaveLength(2);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, createProviderResolver, createVoiceStack, refusePrivateAddresses, VoiceStackError } from '../../src/index.js';
import { mockOpenAIEndpoint, mockProviderBackend, startTextSession } from '../../src/testing/index.js';
import { sleep } from '../helpers/eventually.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';

// Split ('sk' + '-…') so that secret scanners do not flag these fixtures.
const PLATFORM_KEY = 'sk' + '-PLATFORM-openai-0123456789abcdef';
const ACME_KEY = 'sk' + '-ACME-own-key-0123456789';
const BACKEND_KEY = 'backend-key-0123456789';
const ENV = { OPENAI_API_KEY: PLATFORM_KEY, OPENAI_LLM_MODEL: 'platform-model' };

const backend = mockProviderBackend({
  url: 'https://backend.platform.test',
  apiKey: BACKEND_KEY,
  orgs: {
    acme: {
      llm: [
        // Preferred, but its record has no key: the platform's must not be sent to Acme's proxy.
        { provider: 'openai', config: { model: 'gpt-4o-mini', baseURL: 'https://proxy.acme.test/v1' }, priority: 10 },
        {
          provider: 'openai-compatible',
          config: { model: 'acme-model', baseURL: 'https://llm.acme.test/v1' },
          secrets: { apiKey: ACME_KEY },
          priority: 5,
        },
      ],
    },
    globex: {
      llm: [{ provider: 'openai-compatible', config: { model: 'globex-model', baseURL: 'https://llm.globex.test/v1' }, priority: 1 }],
    },
    internal: {
      llm: [
        {
          provider: 'openai-compatible',
          config: { model: 'm', baseURL: 'http://169.254.169.254/v1' },
          secrets: { apiKey: 'x' },
          priority: 9,
        },
        {
          provider: 'openai-compatible',
          config: { model: 'acme-model', baseURL: 'https://llm.acme.test/v1' },
          secrets: { apiKey: ACME_KEY },
          priority: 1,
        },
      ],
    },
  },
});
const acmeProxy = mockOpenAIEndpoint({ baseURL: 'https://proxy.acme.test/v1' });
const acmeLLM = mockOpenAIEndpoint({ baseURL: 'https://llm.acme.test/v1', reply: 'Acme here.' });
const globexLLM = mockOpenAIEndpoint({ baseURL: 'https://llm.globex.test/v1', reply: 'Globex here.' });
useMswServer(...backend.handlers, ...acmeProxy.handlers, ...acmeLLM.handlers, ...globexLLM.handlers);

function resolverWith(options: Partial<Parameters<typeof createProviderResolver>[0]> = {}) {
  const logger = recordingLogger();
  const resolver = createProviderResolver({
    url: backend.url,
    apiKey: BACKEND_KEY,
    env: ENV,
    logger,
    store: createMemoryStore(),
    ...options,
  });
  return { resolver, logger };
}

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
const auth = (endpoint: ReturnType<typeof mockOpenAIEndpoint>) => endpoint.requests.map((request) => request.headers.authorization);

afterEach(() => {
  backend.reset();
  for (const endpoint of [acmeProxy, acmeLLM, globexLLM]) endpoint.reset();
});

describe('resolved organisation configs never carry a platform key', () => {
  it('two tenants through the resolver: each endpoint sees only its own key, the keyless record is refused, the other still serves', async () => {
    const { resolver } = resolverWith();
    const logger = recordingLogger();
    const acme = await createVoiceStack(await resolver.resolve('acme'), { env: ENV, logger });
    try {
      const session = await startTextSession(acme);
      try {
        expect((await session.ask('Hi')).text).toBe('Acme here.');
      } finally {
        await session.close();
      }
      await acme.health({ modalities: ['llm'] });
    } finally {
      await acme.close();
    }
    expect(logger.lines.join('\n')).toContain(
      'Failed to create llm[0] (openai) of organisation "acme": its record has no key (the platform\'s OPENAI_API_KEY is never used for an organisation)',
    );
    expect(acmeProxy.requests).toEqual([]);
    expect(new Set(auth(acmeLLM))).toEqual(new Set([`Bearer ${ACME_KEY}`]));

    // Globex's self-hosted server takes no key: it gets none, and certainly not the platform's.
    const globex = await createVoiceStack(await resolver.resolve('globex'), { env: ENV, logger: recordingLogger() });
    try {
      await globex.health({ modalities: ['llm'] });
    } finally {
      await globex.close();
    }
    expect(globexLLM.requests.length).toBeGreaterThan(0);
    for (const header of auth(globexLLM)) expect(header ?? '').not.toContain(PLATFORM_KEY);
  });

  it('vetBaseURL refuses a record pointing at a private address; the organisation’s other records still resolve', async () => {
    const { resolver, logger } = resolverWith({ vetBaseURL: refusePrivateAddresses, envFallback: false });
    const config = await resolver.resolve('internal');
    expect(config.llm).toEqual([expect.objectContaining({ baseURL: 'https://llm.acme.test/v1', orgId: 'internal' })]);
    expect(logger.lines.join('\n')).toContain(
      'Failed to use llm[0] (openai-compatible) of organisation "internal": its `baseURL` http://169.254.169.254/v1 was refused by the platform\'s vetBaseURL: its host resolves to the private address 169.254.169.254.',
    );
  });
});

describe('the resolver says what to fix when the backend refuses', () => {
  it('401: an error naming the key to fix, never the env config (and its platform keys)', async () => {
    const { resolver } = resolverWith({ apiKey: 'wrong-backend-key' });
    const error = await caught(resolver.resolve('acme'));
    expect(VoiceStackError.isInstance(error) && error.code).toBe('CONFIG_UNAVAILABLE');
    expect(error?.message).toMatch(/the backend refused the resolver's key \(HTTP 401\)\. Fix: set the resolver's `apiKey`/);
  });

  it('403: drops the cached entry of a switched-off organisation and stops serving it', async () => {
    const { resolver, logger } = resolverWith({ ttlMs: 20 });
    expect(await resolver.resolve('acme')).toHaveProperty('llm');
    await sleep(40); // time itself: the 20 ms TTL runs out
    backend.use({ orgId: 'acme', status: 403 });
    await resolver.resolve('acme'); // expired: served once more while the refresh runs
    await expect.poll(() => logger.lines.join('\n')).toContain('the backend forbids this organisation');
    const error = await caught(resolver.resolve('acme'));
    expect(error?.message).toMatch(
      /organisation "acme".*the backend forbids this organisation; its cached config was dropped \(HTTP 403\)\. Fix: /,
    );
    expect(JSON.stringify(await caught(resolver.resolve('acme')))).not.toContain(PLATFORM_KEY);
  });

  it('404: an unknown organisation is an error, not the env config', async () => {
    backend.use({ orgId: 'nobody', status: 404 });
    const { resolver } = resolverWith();
    const error = await caught(resolver.resolve('nobody'));
    expect(error?.message).toMatch(
      /the backend does not know this organisation; its cached config was dropped \(HTTP 404\)\. Fix: check the organisation id/,
    );
  });

  it('only a backend that is down (5xx, reset, timeout) falls back to the env config', async () => {
    backend.use({ status: 503 });
    const { resolver, logger } = resolverWith();
    expect((await resolver.resolve('acme')).llm).toEqual([expect.objectContaining({ provider: 'openai', model: 'platform-model' })]);
    expect(logger.lines.join('\n')).toContain('using the env config');
  });
});

describe('organisation ids', () => {
  it.each([
    ['acme\r\nlevel=error forged', '"\\r" at position 4'],
    ['a'.repeat(129), 'at most 128 characters, got 129'],
    ['../acme', '"." at position 0'],
    ['', 'non-empty'],
  ])('refuses %j before any request or log line', async (orgId, problem) => {
    const { resolver, logger } = resolverWith();
    const error = await caught(resolver.resolve(orgId));
    expect(VoiceStackError.isInstance(error) && error.code).toBe('CONFIG_INVALID');
    expect(error?.message).toContain(problem);
    expect(error?.message).not.toContain('forged');
    expect(backend.requests).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it('accepts UUIDs, slugs and prefixed ids', async () => {
    const { resolver } = resolverWith({ envFallback: false });
    for (const orgId of ['0b7d4c1e-2f7a-4c55-9d1e-0f6a7b8c9d0e', 'acme-corp', 'org_123', 'tenant:eu.acme']) {
      await expect(resolver.resolve(orgId)).resolves.toBeDefined();
    }
  });
});

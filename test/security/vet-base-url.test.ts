import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { urlSchema } from '../../src/config/schema-helpers.js';
import { isPrivateAddress, vetEntries } from '../../src/config/vet-base-url.js';
import { createMemoryStore, createProviderResolver, createVoiceStack, refusePrivateAddresses } from '../../src/index.js';
import { mockOpenAIEndpoint, mockProviderBackend, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';

// Split ('sk' + '-…') so that secret scanners do not flag these fixtures.
const EVIL_KEY = 'sk' + '-EVIL-org-key-0123456789abcdef';
const ACME_KEY = 'sk' + '-ACME-org-key-0123456789abcdef';
const BACKEND_KEY = 'backend-key-0123456789';

// Spellings of http://127.0.0.1:9/v1 that `new URL()` (and so fetch and ws) reads as that address.
const BYPASSES = [
  ' http://127.0.0.1:9/v1',
  '\thttp://127.0.0.1:9/v1',
  'http:/127.0.0.1:9/v1',
  'http:\\\\127.0.0.1:9/v1',
  'http://0x7f.1:9/v1',
  'http://2130706433:9/v1',
  'http://0177.0.0.1:9/v1',
  'http://127.0.0.1.:9/v1',
  'HTTP://127.1:9/v1',
];

const backend = mockProviderBackend({
  url: 'https://backend.platform.test',
  apiKey: BACKEND_KEY,
  orgs: {
    // Every spelling first, then a public record: only the public one may be used, with Evil's own key.
    evil: {
      llm: [
        ...BYPASSES.map((baseURL, index) => ({
          provider: 'openai-compatible',
          config: { model: 'evil-model', baseURL },
          secrets: { apiKey: EVIL_KEY },
          priority: 100 - index,
        })),
        {
          provider: 'openai-compatible',
          config: { model: 'evil-model', baseURL: 'https://llm.evil.test/v1' },
          secrets: { apiKey: EVIL_KEY },
          priority: 1,
        },
      ],
    },
    acme: {
      llm: [
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
const loopback = mockOpenAIEndpoint({ baseURL: 'http://127.0.0.1:9/v1', reply: 'Loopback here.' });
const evilLLM = mockOpenAIEndpoint({ baseURL: 'https://llm.evil.test/v1', reply: 'Evil here.' });
const acmeLLM = mockOpenAIEndpoint({ baseURL: 'https://llm.acme.test/v1', reply: 'Acme here.' });
useMswServer(...backend.handlers, ...loopback.handlers, ...evilLLM.handlers, ...acmeLLM.handlers);

afterEach(() => {
  backend.reset();
  for (const endpoint of [loopback, evilLLM, acmeLLM]) endpoint.reset();
});

async function ask(config: Awaited<ReturnType<ReturnType<typeof createProviderResolver>['resolve']>>): Promise<string> {
  const stack = await createVoiceStack(config, { env: {}, logger: recordingLogger() });
  try {
    const session = await startTextSession(stack);
    try {
      return (await session.ask('Hi')).text;
    } finally {
      await session.close();
    }
  } finally {
    await stack.close();
  }
}

describe('vetBaseURL sees the URL the client will use', () => {
  it('two tenants: no spelling of a loopback baseURL carries a key to 127.0.0.1; each tenant is served by its own endpoint', async () => {
    const logger = recordingLogger();
    const resolver = createProviderResolver({
      url: backend.url,
      apiKey: BACKEND_KEY,
      env: {},
      logger,
      store: createMemoryStore(),
      envFallback: false,
      vetBaseURL: refusePrivateAddresses,
    });
    const evil = await resolver.resolve('evil');
    expect(evil.llm).toEqual([expect.objectContaining({ baseURL: 'https://llm.evil.test/v1' })]);
    expect(await ask(evil)).toBe('Evil here.');
    expect(await ask(await resolver.resolve('acme'))).toBe('Acme here.');

    expect(loopback.requests).toEqual([]);
    expect(new Set(evilLLM.requests.map((request) => request.headers.authorization))).toEqual(new Set([`Bearer ${EVIL_KEY}`]));
    expect(new Set(acmeLLM.requests.map((request) => request.headers.authorization))).toEqual(new Set([`Bearer ${ACME_KEY}`]));
    const refusals = logger.lines.filter((line) => line.includes('was refused by the platform'));
    expect(refusals).toHaveLength(BYPASSES.length);
    expect(refusals[1]).toContain('its `baseURL` http://127.0.0.1:9/v1 (written "\\thttp://127.0.0.1:9/v1") was refused');
    for (const line of logger.lines) expect(line).not.toContain(EVIL_KEY);
  });

  it('the schema passes on the URL it checked: a spelling becomes its parsed form', () => {
    expect(urlSchema().parse(' http:/127.0.0.1:9/v1')).toBe('http://127.0.0.1:9/v1');
    expect(urlSchema().parse('http:\\\\127.0.0.1:9')).toBe('http://127.0.0.1:9');
    expect(urlSchema().parse('http://localhost:8080')).toBe('http://localhost:8080');
    expect(urlSchema().parse('http://localhost:8080/')).toBe('http://localhost:8080/');
  });

  it('IPv4 inside IPv6 is the IPv4 address (new URL writes [::ffff:127.0.0.1] as [::ffff:7f00:1])', () => {
    for (const address of ['::ffff:7f00:1', '[::ffff:a9fe:a9fe]', '::ffff:10.0.0.1', '::7f00:1', '64:ff9b::a9fe:a9fe', 'fe80::1%eth0'])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['::ffff:808:808', '8.8.8.8', '2001:4860:4860::8888']) expect(isPrivateAddress(address), address).toBe(false);
  });
});

// Hosts that name a refused address, spelled every way `new URL()` accepts.
const privateHost = fc.constantFrom(
  '127.0.0.1',
  '127.1',
  '2130706433',
  '0x7f000001',
  '0x7f.0.0.1',
  '0177.0.0.1',
  '127.0.0.1.',
  '10.0.0.1',
  '169.254.169.254',
  '0xa9.0xfe.0xa9.0xfe',
  '172.16.0.1',
  '192.168.1.1',
  '100.64.0.1',
  '0.0.0.0',
  '0',
  'localhost',
  'LOCALHOST',
  'localhost.',
  'api.localhost',
  '[::1]',
  '[0:0:0:0:0:0:0:1]',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:a9fe:a9fe]',
  '[::127.0.0.1]',
  '[64:ff9b::10.0.0.1]',
  '[fe80::1]',
  '[fd00::1]',
  '%31%32%37.0.0.1',
  '127.0.0.1%2e',
  '①②⑦.0.0.1',
);
const spelledURL = fc
  .record({
    lead: fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\x00', '\x1f', '\x0b'), maxLength: 3 }),
    scheme: fc.constantFrom('http', 'https', 'ws', 'wss', 'HTTP', 'hTTpS', 'Ws'),
    separator: fc.constantFrom(':', ':/', '://', ':///', ':\\', ':\\\\', ':/\\', ':\\/', ':\t//'),
    user: fc.constantFrom('', 'user@', 'user:pass@', 'a@b@'),
    host: privateHost,
    port: fc.constantFrom('', ':9', ':80', ':08080'),
    path: fc.constantFrom('', '/', '/v1', '/v1/', '?x=1', '#f', '/v1\t'),
    trail: fc.constantFrom('', ' ', '\n', '\t'),
  })
  .map((parts) => Object.values(parts).join(''));

const vetOne = async (baseURL: string) =>
  vetEntries([{ provider: 'openai-compatible', baseURL }], { orgId: 'org', modality: 'llm' }, refusePrivateAddresses, (text) => text);

describe('vetBaseURL properties', () => {
  it('no spelling the schema accepts reaches a private address unvetted', async () => {
    await fc.assert(
      fc.asyncProperty(spelledURL, async (value) => {
        const parsed = urlSchema().safeParse(value);
        if (!parsed.success) return;
        const { kept, refusals } = await vetOne(value);
        expect(kept).toEqual([]);
        expect(refusals).toHaveLength(1);
        // What the stack will use is refused too, and names the same host.
        expect(new URL(parsed.data).host).toBe(new URL(value).host);
        expect((await vetOne(parsed.data)).kept).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('any string the schema accepts is vetted as the host the stack will use', async () => {
    const anyString = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.tuple(fc.string({ maxLength: 3 }), fc.webUrl(), fc.string({ maxLength: 3 })).map((parts) => parts.join('')),
    );
    await fc.assert(
      fc.asyncProperty(anyString, async (value) => {
        const parsed = urlSchema().safeParse(value);
        if (!parsed.success) return;
        const seen: string[] = [];
        await vetEntries([{ provider: 'x', baseURL: value }], { orgId: 'org', modality: 'llm' }, (url) => void seen.push(url.host), String);
        expect(seen).toEqual([new URL(parsed.data).host]);
      }),
      { numRuns: 500 },
    );
  });
});

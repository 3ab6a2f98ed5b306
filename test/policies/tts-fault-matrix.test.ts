import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack, type ErrorCategory, type VoiceStack } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockElevenLabsTTS,
  mockInferenceTTS,
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  type TTSMockBase,
  type TTSScenario,
} from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordEvents, recordingLogger } from '../helpers/recorders.js';
import { type AudioSession, startAudioSession } from '../helpers/audio-session.js';
import { ProducedText } from '../helpers/produced-text.js';
import { SPEECH_KEYS } from '../helpers/speech-secrets.js';
import { forgetfulStore } from '../helpers/state.js';

// The fault matrix of the TTS chain: every fault of issue 4, for every TTS endpoint format the mocks cover, through
// a real AgentSession (fake audio output). One session per format: each fault is one turn whose primary TTS fails
// once; the session must speak every turn (through the fallback, or the part heard before a mid-stream failure)
// and never close.

const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1', auth: { bearer: SPEECH_KEYS.openai } });
const llm = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'It is noon.' });
useMswServer(...speech.handlers, ...llm.handlers);

const mocks: Partial<Record<Format, TTSMockBase & { baseURL: string }>> = { openai: speech };
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  const [inference, cartesia, elevenlabs] = await Promise.all([
    mockInferenceTTS({ auth: { apiKey: SPEECH_KEYS.livekitKey, apiSecret: SPEECH_KEYS.livekitSecret } }),
    mockCartesiaTTS({ apiKey: SPEECH_KEYS.cartesia }),
    mockElevenLabsTTS({ apiKey: SPEECH_KEYS.elevenlabs }),
  ]);
  Object.assign(mocks, { inference, cartesia, elevenlabs });
  closers.push(inference.close, cartesia.close, elevenlabs.close);
});
afterAll(() => Promise.all(closers.map((close) => close())));

type Format = 'openai' | 'inference' | 'cartesia' | 'elevenlabs';
const KEY_OF: Record<Format, string> = {
  openai: SPEECH_KEYS.openai,
  inference: SPEECH_KEYS.livekitSecret,
  cartesia: SPEECH_KEYS.cartesia,
  elevenlabs: SPEECH_KEYS.elevenlabs,
};

function entryOf(format: Format) {
  const baseURL = mocks[format]!.baseURL;
  switch (format) {
    case 'openai':
      return { provider: 'openai' as const, apiKey: SPEECH_KEYS.openai };
    case 'inference':
      return {
        provider: 'inference' as const,
        model: 'cartesia/sonic-turbo',
        baseURL,
        apiKey: SPEECH_KEYS.livekitKey,
        apiSecret: SPEECH_KEYS.livekitSecret,
      };
    case 'cartesia':
      return { provider: 'cartesia' as const, baseURL, apiKey: SPEECH_KEYS.cartesia };
    case 'elevenlabs':
      return { provider: 'elevenlabs' as const, baseURL, apiKey: SPEECH_KEYS.elevenlabs };
  }
}

interface Fault {
  name: string;
  /** The primary's scenario; `key` is the primary's key, which some faults echo (as providers do in error bodies). */
  scenario: (key: string) => TTSScenario;
  category: ErrorCategory;
  statusCode?: number;
  /** How long the failure cools the primary (logged as `coolingMs`), for a rate limit or an exhausted quota. */
  coolingMs?: number;
  /** Where a format classifies the fault otherwise (see the comment on the row). */
  per?: Partial<Record<Format, Partial<Pick<Fault, 'scenario' | 'category' | 'statusCode' | 'afterAudio' | 'coolingMs' | 'masked'>>>>;
  /** The provider's echo of the key, masked, as this row's output must show it (the scan reads real output). */
  masked?: string;
  /** Only where the transport carries it: the `ws` client drops the headers of a refused handshake. */
  retryAfterMs?: { http: number };
  /** The failure comes after the first audio: the utterance ends with what was heard, no fallback. */
  afterAudio?: boolean;
  /** Formats that cannot express the fault (see the comment on the row). */
  skip?: Format[];
}

const TIMEOUT_MS = 500;
const STALL_MS = 300;

// On the WebSocket formats a status refuses the handshake (what the providers do on auth, rate-limit and server
// errors); on OpenAI it is the HTTP status of the synthesis. The ElevenLabs plugin (1.9) replaces a refused handshake
// by "could not connect to ElevenLabs" without the status: the stack reads the status from the socket's error.
// Enough audio that the plugins hand the chain a first frame (they cut 100 ms frames) before the fault.
const MID_STREAM = { audioMs: 1_000, chunkMs: 100 };
const FAULTS: Fault[] = [
  {
    name: '429 with Retry-After',
    scenario: () => ({ status: 429, retryAfter: 7 }),
    category: 'rate_limit',
    statusCode: 429,
    retryAfterMs: { http: 7_000 },
  },
  {
    name: '429 without Retry-After',
    scenario: () => ({ status: 429 }),
    category: 'rate_limit',
    statusCode: 429,
  },
  {
    name: '401',
    scenario: (key) => ({ status: 401, message: `Incorrect API key provided: ${key}` }),
    category: 'auth',
    statusCode: 401,
    per: { openai: { masked: 'Incorrect API key provided: ••••' } },
  },
  {
    name: '404',
    scenario: () => ({ status: 404, message: 'No such voice.' }),
    category: 'not_found',
    statusCode: 404,
  },
  {
    name: '500',
    scenario: (key) => ({ status: 500, message: `upstream failed for Bearer ${key}` }),
    category: 'server',
    statusCode: 500,
  },
  {
    name: '503',
    scenario: () => ({ status: 503, message: 'overloaded' }),
    category: 'server',
    statusCode: 503,
  },
  { name: 'timeout before the first byte', scenario: () => ({ delayMs: 3 * TIMEOUT_MS }), category: 'timeout' },
  // The OpenAI plugin hands over audio only once the whole body arrived: a stalled or reset body is a failure before
  // any audio there (a first-audio timeout, a reset), and the fallback speaks the whole reply.
  {
    name: 'stall mid-stream',
    scenario: () => ({ ...MID_STREAM, stallAfterChunks: 3 }),
    category: 'stall',
    afterAudio: true,
    per: { openai: { category: 'timeout', afterAudio: false } },
  },
  // The mock closes with 1011. ElevenLabs' plugin reports the close code (1011: a server error); whether it handed over
  // the chunks that came before the close depends on timing, so for ElevenLabs the socket closes before the first
  // chunk: nothing was heard, the fallback speaks.
  {
    name: 'connection dropped mid-stream',
    scenario: () => ({ ...MID_STREAM, dropAfterChunks: 3 }),
    category: 'connection',
    afterAudio: true,
    per: {
      openai: { afterAudio: false },
      elevenlabs: { category: 'server', afterAudio: false, scenario: () => ({ ...MID_STREAM, dropAfterChunks: 0 }) },
    },
  },
  { name: 'connection reset', scenario: () => ({ reset: true }), category: 'connection' },
  // OpenAI answers raw PCM: any bytes are audio, so a malformed body cannot be told from sound. The WebSocket plugins
  // drop a frame they cannot parse (no error): the synthesis never completes, and the chain's first-audio timeout
  // moves on.
  { name: 'malformed frame', scenario: () => ({ malformed: true }), category: 'timeout', skip: ['openai'] },
  // The provider's own error message on an open socket (OpenAI has none: its errors are HTTP statuses). Cartesia's
  // carries a status code; Inference's carries none here (`unknown`: retryable, like `server`); ElevenLabs closes the
  // socket with 1008 after it, which is a transient failure there (not a rejected request).
  {
    name: 'error message on the socket',
    scenario: (key) => ({ error: true, message: `synthesis failed for ${key}` }),
    category: 'unknown',
    per: { cartesia: { category: 'server', statusCode: 500 }, elevenlabs: { category: 'server' } },
    skip: ['openai'],
  },
  // A rate limit told on the open socket. Cartesia's plugin swallows a 4xx error message (no audio, no error): the
  // stack reads it from the socket and cools the option as a rate limit. The Inference gateway's `code` is dropped by
  // its plugin and read the same way. ElevenLabs' message names its code (no status) before the 1008 close, of which
  // the plugin keeps only the close code: the stack reads the code from the socket too.
  {
    name: 'in-band 429 (concurrency limit) on the open socket',
    scenario: () => ({ error: true, errorCode: 429, code: 'concurrency_limited', message: 'Too many concurrent requests' }),
    category: 'rate_limit',
    statusCode: 429,
    coolingMs: 30_000,
    per: {
      elevenlabs: {
        scenario: () => ({ error: true, code: 'too_many_concurrent_requests', message: 'Too many concurrent requests.' }),
        statusCode: undefined,
      },
    },
    skip: ['openai'],
  },
  // An exhausted quota: OpenAI says `insufficient_quota` in a 429's body; the Inference gateway its quota body in the
  // error event; ElevenLabs `quota_exceeded` in its error message before the 1008 close. A quota is cooled for
  // 10 minutes, not retried every 30 s.
  {
    name: 'exhausted quota',
    scenario: () => ({ error: true, status: 429, errorCode: 429, code: 'insufficient_quota', message: 'You exceeded your current quota' }),
    category: 'quota',
    statusCode: 429,
    coolingMs: 600_000,
    per: {
      inference: { scenario: () => ({ error: true, errorCode: 429, code: 'inference_quota_exceeded:MaxGatewayCredits' }) },
      elevenlabs: {
        scenario: () => ({
          error: true,
          code: 'quota_exceeded',
          message: 'This request exceeds your quota of 10000. You have 0 credits remaining.',
        }),
        statusCode: undefined,
      },
    },
    skip: ['cartesia'],
  },
];

const FORMATS: Format[] = ['openai', 'inference', 'cartesia', 'elevenlabs'];
/** Everything the stack produced across the matrix, scanned for keys at the end. */

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);
beforeAll(() => void process.on('unhandledRejection', onRejection));
afterAll(() => void process.off('unhandledRejection', onRejection));

// Forgets failures: the primary is tried (and fails) on every turn, as in distinct outages. Cooldowns are tested in tts-chain.test.ts.
const forgetful = forgetfulStore();

describe.each(FORMATS)('TTS fault matrix, %s format', (format) => {
  const fallback: Format = format === 'openai' ? 'cartesia' : 'openai';
  let stack: VoiceStack;
  let call: AudioSession;
  const logger = recordingLogger();
  let recorder: ReturnType<typeof recordEvents>;
  let turn = 0;

  beforeAll(async () => {
    stack = await createVoiceStack(
      {
        llm: { provider: 'openai', model: 'gpt-4.1-mini', apiKey: SPEECH_KEYS.openai },
        tts: [entryOf(format), entryOf(fallback)],
        retry: { stallTimeoutMs: STALL_MS },
      },
      { env: {}, logger, store: forgetful },
    );
    recorder = recordEvents(stack);
    call = await startAudioSession(stack, {
      audioInput: false,
      connOptions: { ttsConnOptions: { maxRetry: 0, retryIntervalMs: 0, timeoutMs: TIMEOUT_MS } },
    });
    // Warm-up: one reply spoken by the fallback (the primary refused once), so that its first connection and lazy
    // imports on a busy machine do not fall inside the first case's stall timeout (a second, spurious fallback).
    mocks[format]!.use({ status: 500, times: 1 });
    const replied = call.nextReply();
    call.session.generateReply({ userInput: 'Warm-up?' });
    await replied;
  });
  afterAll(async () => {
    await call.close();
    await stack.close();
  });

  it.each(FAULTS.filter((fault) => !fault.skip?.includes(format)).map((fault) => ({ ...fault, ...fault.per?.[format] })))(
    '$name → $category',
    async (fault) => {
      const [primaryMock, fallbackMock] = [mocks[format]!, mocks[fallback]!];
      primaryMock.reset();
      fallbackMock.reset();
      llm.reset();
      const scenario = fault.scenario(KEY_OF[format]);
      // A status refuses the handshake on the WebSocket formats; `error` scripts their in-band message instead.
      primaryMock.use({
        ...(format === 'openai'
          ? { ...scenario, error: undefined }
          : { ...scenario, status: scenario.error ? undefined : scenario.status }),
        times: 1,
      });
      recorder.events.length = 0;
      const warnings = logger.entries.length;
      const samples = call.output.samples;
      const question = `Question ${++turn}?`;

      const replied = call.nextReply();
      call.session.generateReply({ userInput: question });
      await replied;

      const [primaryLabel, fallbackLabel] = stack.options.tts.map((option) => option.label);
      const failure = logger.entries.slice(warnings).find((entry) => entry.level === 'warn' && entry.fields.label === primaryLabel);
      expect(failure?.fields, failure?.message).toMatchObject({ category: fault.category });
      if (fault.coolingMs !== undefined) expect(failure?.fields.coolingMs).toBe(fault.coolingMs);
      if (fault.afterAudio) {
        // Part of the reply was heard: the utterance ends there; nothing is replayed on the fallback.
        expect(recorder.of('fallback')).toEqual([]);
        expect(fallbackMock.requests).toEqual([]);
        expect(call.output.samples).toBeGreaterThan(samples);
      } else {
        const fallbacks = recorder.of('fallback');
        expect(fallbacks).toHaveLength(1);
        expect(fallbacks[0]).toMatchObject({
          modality: 'tts',
          from: primaryLabel,
          to: fallbackLabel,
          error: { category: fault.category, modality: 'tts', label: primaryLabel },
        });
        expect(fallbacks[0]!.error.statusCode).toBe(fault.statusCode);
        expect(fallbacks[0]!.error.retryAfterMs).toBe(
          fault.category === 'quota' ? 600_000 : format === 'openai' ? fault.retryAfterMs?.http : undefined,
        );
        // The fallback spoke the whole reply: 200 ms of its tone at the chain's 24 kHz.
        expect(fallbackMock.requests.map((request) => request.text.trim())).toEqual(['It is noon.']);
        expect(call.output.samples - samples).toBeGreaterThanOrEqual(4_700);
      }
      expect(recorder.of('exhausted')).toEqual([]);
      expect(call.messages().at(-1)).toEqual(['assistant', 'It is noon.']);
      expect(call.closed).toEqual([]);
      expect(rejections).toEqual([]);
      // Secrets: no key in this row's log lines, event payloads, error messages, stacks or the stack's strings.
      const produced = new ProducedText();
      produced.events(recorder.events);
      produced.stack(stack, logger.lines.slice(warnings));
      expect(produced.all).toContain(primaryLabel); // the scan reads real output
      if (fault.masked) expect(produced.all).toContain(fault.masked);
      expect(produced.leaks()).toEqual([]);
    },
  );
});

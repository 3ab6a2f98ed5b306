import { stt } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack, type ErrorCategory } from '../../src/index.js';
import {
  mockDeepgramSTT,
  mockInferenceSTT,
  mockOpenAITranscriptionEndpoint,
  openAIRateLimitHeaders,
  pushFrames,
  speechLikeFrames,
  type MockDeepgramSTT,
  type MockInferenceSTT,
  type STTMockBase,
  type STTScenario,
} from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordEvents, recordingLogger } from '../helpers/recorders.js';
import { ProducedText } from '../helpers/produced-text.js';
import { SPEECH_KEYS } from '../helpers/speech-secrets.js';

// The fault matrix of the STT chain: every fault of issue 4, for every STT endpoint format the mocks cover. Each case
// streams two spoken utterances through `stack.stt` (as a session does: frames over time, input left open) with the
// primary failing once; the fallback must transcribe, the chain must classify the failure, and nothing may reject.

const openai = mockOpenAITranscriptionEndpoint({
  baseURL: 'https://api.openai.com/v1',
  transcript: 'What time is it?',
  auth: { bearer: SPEECH_KEYS.openai },
});
useMswServer(...openai.handlers);
let inference: MockInferenceSTT;
let deepgram: MockDeepgramSTT;
beforeAll(async () => {
  [inference, deepgram] = await Promise.all([
    mockInferenceSTT({ transcript: 'What time is it?', auth: { apiKey: SPEECH_KEYS.livekitKey, apiSecret: SPEECH_KEYS.livekitSecret } }),
    mockDeepgramSTT({ transcript: 'What time is it?', apiKey: SPEECH_KEYS.deepgram }),
  ]);
});
afterAll(() => Promise.all([inference.close(), deepgram.close()]));

type Format = 'openai' | 'inference' | 'deepgram';
const FORMATS: Format[] = ['openai', 'inference', 'deepgram'];
const mockOf = (format: Format): STTMockBase => ({ openai, inference, deepgram })[format];
const KEY_OF: Record<Format, string> = { openai: SPEECH_KEYS.openai, inference: SPEECH_KEYS.livekitSecret, deepgram: SPEECH_KEYS.deepgram };

function entryOf(format: Format) {
  switch (format) {
    case 'openai':
      return { provider: 'openai' as const, apiKey: SPEECH_KEYS.openai };
    case 'inference':
      return {
        provider: 'inference' as const,
        baseURL: inference.baseURL,
        apiKey: SPEECH_KEYS.livekitKey,
        apiSecret: SPEECH_KEYS.livekitSecret,
      };
    case 'deepgram':
      return { provider: 'deepgram' as const, baseURL: deepgram.baseURL, apiKey: SPEECH_KEYS.deepgram };
  }
}

/**
 * Speech-level audio an option may take without answering. The mocks send an interim transcript after 300 ms of
 * speech, then about every second, and the final one at its end (1.2 s), as real streaming STTs do.
 */
const STALL_MS = 1_500;
const TIMEOUT_MS = 500;

interface Fault {
  name: string;
  scenario: (key: string) => STTScenario;
  category: ErrorCategory;
  statusCode?: number;
  retryAfterMs?: number;
  /** The plugin survives the fault: the primary transcribes, no failover. */
  harmless?: boolean;
  /** The provider's echo of the key, masked, as this row's output must show it (the scan reads real output). */
  masked?: string;
  per?: Partial<Record<Format, Partial<Pick<Fault, 'scenario' | 'category' | 'statusCode' | 'retryAfterMs' | 'harmless' | 'masked'>>>>;
  skip?: Format[];
}

// On the WebSocket formats a status refuses the handshake; on OpenAI it is the status of the upload. The `ws` client
// drops the headers of a refused handshake: Retry-After only reaches the chain over HTTP.
const FAULTS: Fault[] = [
  {
    name: '429 with Retry-After',
    scenario: () => ({ status: 429, retryAfter: 7 }),
    category: 'rate_limit',
    statusCode: 429,
    per: { openai: { retryAfterMs: 7_000 } },
  },
  { name: '429 without Retry-After', scenario: () => ({ status: 429 }), category: 'rate_limit', statusCode: 429 },
  // OpenAI often sends a 429 without Retry-After but with its rate-limit headers: the exhausted window's reset is the wait.
  {
    name: '429 with x-ratelimit-* and no Retry-After',
    scenario: () => ({ status: 429, headers: openAIRateLimitHeaders(6_000) }),
    category: 'rate_limit',
    statusCode: 429,
    retryAfterMs: 6_000,
    skip: ['inference', 'deepgram'],
  },
  // An exhausted quota, as each provider says it: OpenAI a 429 `insufficient_quota`; Deepgram a refused handshake 402
  // `ASR_PAYMENT_REQUIRED`; the Inference gateway an `error` event (code 429) whose message is its quota body
  // (`inference_quota_exceeded`, category `MaxGatewayCredits`). Cooled 10 minutes, not retried every 30 s. (A quota
  // refused at the gateway's handshake reaches the chain as a bare 429: the plugin reads no body there.)
  {
    name: 'exhausted quota',
    scenario: () => ({ status: 429, code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan.' }),
    category: 'quota',
    statusCode: 429,
    retryAfterMs: 600_000,
    per: {
      deepgram: {
        scenario: () => ({ status: 402, code: 'ASR_PAYMENT_REQUIRED', message: 'Project does not have enough credits.' }),
        statusCode: 402,
      },
      inference: {
        scenario: () => ({
          error: true,
          errorCode: 429,
          code: 'inference_quota_exceeded:MaxGatewayCredits',
          message: 'STT quota exceeded, category: MaxGatewayCredits, remaining_limit: 0',
        }),
      },
    },
  },
  { name: '401', scenario: (key) => ({ status: 401, message: `Incorrect API key provided: ${key}` }), category: 'auth', statusCode: 401 },
  { name: '404', scenario: () => ({ status: 404, message: 'No such model.' }), category: 'not_found', statusCode: 404 },
  { name: '500', scenario: (key) => ({ status: 500, message: `upstream failed for Token ${key}` }), category: 'server', statusCode: 500 },
  { name: '503', scenario: () => ({ status: 503, message: 'overloaded' }), category: 'server', statusCode: 503 },
  // WebSocket: the handshake hangs; OpenAI: the upload's answer does.
  {
    name: 'timeout before the first byte',
    scenario: () => ({ connectDelayMs: 4 * TIMEOUT_MS, delayMs: 4 * TIMEOUT_MS }),
    category: 'timeout',
  },
  // After its interim transcript the socket stays open and the provider says nothing more: the chain's deaf-stream
  // check (STALL_MS of speech without an event). OpenAI uploads one utterance at a time: a stalled upload is the
  // timeout above.
  { name: 'stall mid-stream', scenario: () => ({ stallAfterAudioMs: 700 }), category: 'stall', skip: ['openai'] },
  // Deaf from the first word: the socket opens and stays silent (never an interim): a timeout, not a stall.
  { name: 'deaf from the start', scenario: () => ({ stallAfterAudioMs: 0 }), category: 'timeout', skip: ['openai'] },
  // Closed by the provider after its interim transcript. Inference reports it (close code 1011: a server error);
  // Deepgram's plugin 1.9 swallows it and goes deaf: the deaf-stream check catches it.
  {
    name: 'closed mid-stream',
    scenario: () => ({ closeAfterAudioMs: 700 }),
    category: 'server',
    per: { deepgram: { category: 'stall' } },
    skip: ['openai'],
  },
  // No close frame, before any transcript. Inference: close code 1006 (connection); Deepgram: swallowed, and the
  // deaf-stream check sees an option that never answered (a timeout).
  { name: 'connection reset', scenario: () => ({ reset: true }), category: 'connection', per: { deepgram: { category: 'timeout' } } },
  // OpenAI: a 200 whose JSON is cut short (a server error). Inference: our guard (GuardedInferenceSTT) drops the frame,
  // which would otherwise be an uncaught exception, and the stream goes on. Deepgram: its plugin ends the socket on a
  // frame it cannot parse and reconnects by itself (its own loop, the first time at once): the chain sees nothing.
  {
    name: 'malformed JSON',
    scenario: () => ({ malformed: true }),
    category: 'server',
    per: { inference: { harmless: true }, deepgram: { harmless: true } },
  },
  // The provider's own error on an open socket. Inference: an `error` event with its code; Deepgram: a close frame
  // 1011 with the reason, which its plugin swallows like any close (deaf, caught as a timeout).
  {
    name: 'error message on the socket',
    scenario: (key) => ({ error: true, message: `recognition failed for ${key}` }),
    category: 'server',
    per: { inference: { statusCode: 500, masked: 'recognition failed for ••••' }, deepgram: { category: 'timeout' } },
    skip: ['openai'],
  },
];

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);
beforeAll(() => void process.on('unhandledRejection', onRejection));
afterAll(() => void process.off('unhandledRejection', onRejection));

/**
 * Up to four utterances, paced like a live call (2 ms per 20 ms frame): enough that the fallback hears a whole one
 * after the slowest failure (an upload timing out at the end of the first); resolves at the first final transcript.
 */
async function listenToUtterances(instance: stt.STT): Promise<string | undefined> {
  const stream = instance.stream({ connOptions: { maxRetry: 0, retryIntervalMs: 0, timeoutMs: TIMEOUT_MS } });
  const frames = Array.from({ length: 4 }, () => speechLikeFrames()).flat();
  const timer = setTimeout(() => stream.close(), 10_000);
  const pushing = pushFrames(stream, frames, { pace: 2, end: false }).catch(() => undefined);
  try {
    for await (const event of stream) {
      if (event.type === stt.SpeechEventType.FINAL_TRANSCRIPT) return event.alternatives?.[0]?.text;
    }
    return undefined;
  } finally {
    clearTimeout(timer);
    stream.close();
    await pushing;
  }
}

describe.each(FORMATS)('STT fault matrix, %s format', (format) => {
  const fallback: Format = format === 'deepgram' ? 'inference' : 'deepgram';

  it.each(FAULTS.filter((fault) => !fault.skip?.includes(format)).map((fault) => ({ ...fault, ...fault.per?.[format] })))(
    '$name → $category',
    async (fault) => {
      for (const mock of [openai, inference, deepgram]) mock.reset();
      mockOf(format).use({ ...fault.scenario(KEY_OF[format]), times: 1 });
      const logger = recordingLogger();
      const stack = await createVoiceStack(
        { stt: [entryOf(format), entryOf(fallback)], retry: { stallTimeoutMs: STALL_MS } },
        { env: {}, logger },
      );
      const recorder = recordEvents(stack);
      try {
        expect(await listenToUtterances(stack.stt!)).toBe('What time is it?');
        const [primaryLabel, fallbackLabel] = stack.options.stt.map((option) => option.label);
        const fallbacks = recorder.of('fallback');
        if (fault.harmless) {
          expect(fallbacks).toEqual([]);
          expect(mockOf(format).requests.flatMap((request) => request.transcripts)).toEqual(['What time is it?']);
          return;
        }
        expect(fallbacks).toHaveLength(1);
        expect(fallbacks[0], fallbacks[0]?.error.message).toMatchObject({
          modality: 'stt',
          from: primaryLabel,
          to: fallbackLabel,
          error: { category: fault.category, modality: 'stt', label: primaryLabel },
        });
        expect(fallbacks[0]!.error.statusCode).toBe(fault.statusCode);
        expect(fallbacks[0]!.error.retryAfterMs).toBe(fault.retryAfterMs);
        expect(logger.entries.find((entry) => entry.level === 'warn' && entry.fields.label === primaryLabel)?.fields).toMatchObject({
          category: fault.category,
        });
        // The fallback heard the user; nobody was told the agent cannot hear (one option failed, not all).
        expect(mockOf(fallback).requests.flatMap((request) => request.transcripts)).toEqual(['What time is it?']);
        expect(recorder.of('holding')).toEqual([]);
        expect(recorder.of('exhausted')).toEqual([]);
        expect(rejections).toEqual([]);
      } finally {
        const produced = new ProducedText();
        produced.events(recorder.events);
        produced.stack(stack, logger.lines);
        await stack.close();
        // Secrets: no key in this row's log lines, event payloads, error messages, stacks or the stack's strings.
        // Soft: a failure above stays the one reported.
        expect.soft(produced.all).toContain(stack.options.stt[0]!.label); // the scan reads real output
        if (fault.masked) expect.soft(produced.all).toContain(fault.masked);
        expect.soft(produced.leaks()).toEqual([]);
      }
    },
  );
});

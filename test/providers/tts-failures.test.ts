import { isAPIError, type tts } from '@livekit/agents';
import { RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockOpenAISpeechEndpoint,
  mockCartesiaTTS,
  mockElevenLabsTTS,
  mockInferenceTTS,
  type MockCartesiaTTS,
  type MockElevenLabsTTS,
  type MockInferenceTTS,
} from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { captureUnhandledRejections, NO_RETRY, providerTTS, speak, synthesizeOnce } from '../helpers/speak.js';

const openai = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
const server = useMswServer(...openai.handlers);
let gateway: MockInferenceTTS;
let cartesia: MockCartesiaTTS;
let elevenlabs: MockElevenLabsTTS;
beforeAll(async () => {
  [gateway, cartesia, elevenlabs] = await Promise.all([mockInferenceTTS(), mockCartesiaTTS(), mockElevenLabsTTS()]);
});
afterAll(() => Promise.all([gateway.close(), cartesia.close(), elevenlabs.close()]));
beforeEach(() => {
  for (const mock of [openai, gateway, cartesia, elevenlabs]) mock.reset();
  server.use(...cartesia.handlers, ...elevenlabs.handlers);
});

const env = {
  OPENAI_API_KEY: 'sk-test',
  CARTESIA_API_KEY: 'sk_car_test',
  ELEVEN_API_KEY: 'xi-test',
  LIVEKIT_API_KEY: 'lk',
  LIVEKIT_API_SECRET: 'lk-secret-0123456789',
};

/** The `error` events a TTS instance emits (LiveKit's TTSError: `{ error, recoverable }`). */
function errorsOf(instance: tts.TTS): { error: unknown; recoverable: boolean }[] {
  const errors: { error: unknown; recoverable: boolean }[] = [];
  instance.on('error', (event) => errors.push(event as never));
  return errors;
}

describe('TTS failures: what LiveKit does today (the TTS chain of the resilience work must absorb these)', () => {
  it('openai 429: one request, no audio, the raw SDK RateLimitError (not a LiveKit APIError), and an unhandled rejection', async () => {
    openai.use({ status: 429, retryAfter: 7, message: 'Rate limit reached for tts' });
    const stack = await createVoiceStack({ tts: { provider: 'openai' } }, { env });
    const errors = errorsOf(providerTTS(stack));
    let audio: Awaited<ReturnType<typeof synthesizeOnce>> | undefined;
    const unhandled = await captureUnhandledRejections(async () => {
      audio = await synthesizeOnce(providerTTS(stack), 'Hello there.');
    });
    await stack.close();

    expect(audio?.frames).toHaveLength(0);
    expect(openai.requests).toHaveLength(1); // never retried, whatever maxRetry says
    expect(errors).toHaveLength(1);
    expect(errors[0]?.recoverable).toBe(false);
    expect(errors[0]?.error).toBeInstanceOf(RateLimitError);
    expect(errors[0]?.error).toMatchObject({ status: 429 });
    expect(isAPIError(errors[0]?.error)).toBe(false); // LiveKit's classification never sees a 429
    // LiveKit's ChunkedStream rethrows from a task nobody awaits (agents tts.ts:764).
    expect(unhandled).toHaveLength(1);
    expect(unhandled[0]).toBe(errors[0]?.error);
    // Retry-After survives only through the option's observed responses.
    expect(stack.options.tts[0]?.responses.last).toMatchObject({ status: 429, retryAfterMs: 7_000 });
  });

  it('cartesia one-shot 429: the plugin ignores the HTTP status and plays the JSON error body as audio', async () => {
    cartesia.use({ status: 429, message: 'rate limited' });
    const stack = await createVoiceStack({ tts: { provider: 'cartesia', baseURL: cartesia.baseURL } }, { env });
    const errors = errorsOf(providerTTS(stack));
    const audio = await synthesizeOnce(providerTTS(stack), 'Hello.');
    await stack.close();
    expect(cartesia.requests).toHaveLength(1);
    expect(errors).toHaveLength(0);
    expect(audio.samples).toBeGreaterThan(0); // noise made of `{"error":…}` bytes
    expect(audio.samples).toBeLessThan(100);
  });

  it('elevenlabs one-shot 503 once: the plugin retries on its own (LiveKit default maxRetry 3) and succeeds', async () => {
    elevenlabs.use({ status: 503, times: 1 });
    const stack = await createVoiceStack({ tts: { provider: 'elevenlabs', baseURL: elevenlabs.baseURL } }, { env });
    const audio = await synthesizeOnce(providerTTS(stack), 'Hello.');
    await stack.close();
    expect(elevenlabs.requests).toHaveLength(2);
    expect(audio.samples).toBe(4_410);
  });

  it('inference gateway `error` message: the stream ends without audio and emits an unrecoverable APIError', async () => {
    gateway.use({ error: true, message: 'upstream overloaded' });
    const stack = await createVoiceStack(
      { tts: { provider: 'inference', model: 'cartesia/sonic-turbo', baseURL: gateway.baseURL } },
      { env },
    );
    const errors = errorsOf(providerTTS(stack));
    const audio = await speak(providerTTS(stack), 'Hello there.', NO_RETRY);
    await stack.close();
    expect(audio.frames).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(isAPIError(errors[0]?.error)).toBe(true);
    expect(String((errors[0]?.error as Error).message)).toContain('upstream overloaded');
  });

  it('cartesia handshake refused with 429: an APIStatusError carrying the status, no audio', async () => {
    cartesia.use({ status: 429, retryAfter: 3 });
    const stack = await createVoiceStack({ tts: { provider: 'cartesia', baseURL: cartesia.baseURL } }, { env });
    const errors = errorsOf(providerTTS(stack));
    const audio = await speak(providerTTS(stack), 'Hello there.', NO_RETRY);
    await stack.close();
    expect(audio.frames).toHaveLength(0);
    expect(errors[0]?.error).toMatchObject({ statusCode: 429 });
    expect(cartesia.requests).toHaveLength(0);
  });

  it('elevenlabs socket dropped mid-stream: the utterance is cut short (audio already queued may be lost), then an error', async () => {
    elevenlabs.use({ dropAfterChunks: 2, chunkMs: 50 });
    const stack = await createVoiceStack({ tts: { provider: 'elevenlabs', baseURL: elevenlabs.baseURL } }, { env });
    const errors = errorsOf(providerTTS(stack));
    const audio = await speak(providerTTS(stack), 'Hello there.', NO_RETRY);
    await stack.close();
    expect(audio.samples).toBeLessThan(4_410);
    expect(errors).toHaveLength(1);
  });
});

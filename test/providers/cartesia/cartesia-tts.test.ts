import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack, type VoiceStack } from '../../../src/index.js';
import { mockCartesiaTTS, type MockCartesiaTTS } from '../../../src/testing/index.js';
import { useMswServer } from '../../helpers/msw.js';
import { withStack } from '../../helpers/with-stack.js';
import { speak, synthesizeOnce } from '../../helpers/speak.js';

const server = useMswServer();
let cartesia: MockCartesiaTTS;
beforeAll(async () => {
  cartesia = await mockCartesiaTTS({ apiKey: 'sk_car_test' });
});
afterAll(() => cartesia.close());
beforeEach(() => {
  cartesia.reset();
  server.use(...cartesia.handlers);
});

/** A stack whose TTS is the cartesia entry `entry` against the mock, closed after `run`. */
const cartesiaStack = <T>(entry: Record<string, unknown>, run: (stack: VoiceStack) => Promise<T>): Promise<T> =>
  withStack(
    { tts: { provider: 'cartesia', baseURL: cartesia.baseURL, ...entry } as never },
    { env: { CARTESIA_API_KEY: 'sk_car_test' } },
    run,
  );

describe('cartesia TTS against a local Cartesia API', () => {
  it('streams text into 24 kHz frames over the WebSocket, with model, voice, language, key and API version', async () => {
    await cartesiaStack({ model: 'sonic-turbo', voice: 'voice-abc', language: 'en' }, async (stack) => {
      const audio = await speak(stack.tts!, 'Hello there, how are you today?');
      expect(audio.sampleRate).toBe(24_000);
      expect(audio.samples).toBe(4_800); // 200 ms at 24 kHz
    });
    const [request] = cartesia.requests;
    expect(request).toMatchObject({
      transport: 'websocket',
      model: 'sonic-turbo',
      voice: 'voice-abc',
      language: 'en',
      text: 'Hello there, how are you today?',
    });
    expect(request?.headers['x-api-key']).toBe('sk_car_test');
    expect(request?.headers['cartesia-version']).toBe('2025-04-16');
  });

  it('defaults to sonic-3 and a native French voice when `language: "fr"` has no voice', async () => {
    await cartesiaStack({ language: 'fr' }, (stack) => speak(stack.tts!, 'Bonjour, comment allez-vous ?'));
    expect(cartesia.requests[0]).toMatchObject({ model: 'sonic-3', voice: '65b25c5d-ff07-4687-a04c-da2f43ef6fa9', language: 'fr' });
  });

  it('honours sampleRate', async () => {
    const audio = await cartesiaStack({ sampleRate: 16_000 }, (stack) => speak(stack.tts!, 'Hello there, how are you?'));
    expect(audio).toMatchObject({ sampleRate: 16_000, samples: 3_200 });
  });

  it('one-shot synthesize() posts to /tts/bytes and returns the PCM as frames', async () => {
    const audio = await cartesiaStack({ voice: 'voice-abc' }, (stack) => synthesizeOnce(stack.tts!, 'Hello.'));
    expect(audio).toMatchObject({ sampleRate: 24_000, samples: 4_800 });
    expect(cartesia.requests[0]).toMatchObject({
      transport: 'http',
      path: '/tts/bytes',
      model: 'sonic-3',
      voice: 'voice-abc',
      text: 'Hello.',
    });
    expect(cartesia.requests[0]?.headers['x-api-key']).toBe('sk_car_test');
  });

  it('reads CARTESIA_API_KEY from the stack env, not the one the plugin snapshotted at import', async () => {
    await expect(createVoiceStack({ tts: { provider: 'cartesia' } }, { env: {} })).rejects.toThrow(/CARTESIA_API_KEY/);
  });
});

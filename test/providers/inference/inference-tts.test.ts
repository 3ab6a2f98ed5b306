import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';
import { mockInferenceTTS, type MockInferenceTTS } from '../../../src/testing/index.js';
import { verifyLiveKitToken } from '../../../src/testing/openai-endpoint.js';
import { providerTTS, speak } from '../../helpers/speak.js';

const credentials = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
let gateway: MockInferenceTTS;
beforeAll(async () => {
  gateway = await mockInferenceTTS({ auth: credentials });
});
afterAll(() => gateway.close());
beforeEach(() => gateway.reset());

describe('inference TTS against a local Inference gateway', () => {
  it('streams text into audio frames at the session sample rate, with model, voice, language and a signed token', async () => {
    const stack = await createVoiceStack(
      { tts: { provider: 'inference', model: 'cartesia/sonic-turbo', voice: 'voice-123', language: 'en', baseURL: gateway.baseURL } },
      { env: { LIVEKIT_API_KEY: credentials.apiKey, LIVEKIT_API_SECRET: credentials.apiSecret } },
    );
    try {
      const audio = await speak(stack.tts!, 'Hello there.');
      expect(audio.sampleRate).toBe(16_000);
      expect(audio.samples).toBe(3_200); // 200 ms at 16 kHz
      const [request] = gateway.requests;
      expect(request).toMatchObject({ model: 'cartesia/sonic-turbo', voice: 'voice-123', language: 'en', text: 'Hello there.' });
      expect(request?.query.model).toBe('cartesia/sonic-turbo');
      expect(verifyLiveKitToken(request!.headers.authorization!.replace('Bearer ', ''), credentials)).toBe(true);
    } finally {
      await stack.close();
    }
  });
});

describe('inference TTS options', () => {
  const env = { LIVEKIT_API_KEY: credentials.apiKey, LIVEKIT_API_SECRET: credentials.apiSecret };

  it("sends Inference's server-side fallback list, the voice from the model string and the sample rate in session.create", async () => {
    const stack = await createVoiceStack(
      {
        tts: {
          provider: 'inference',
          model: 'cartesia/sonic-3:voice-in-model',
          sampleRate: 24_000,
          fallback: ['deepgram/aura-2:athena-en', { model: 'rime/mistv2', voice: 'cove', extra: { speed_alpha: 1.1 } }],
          baseURL: gateway.baseURL,
        },
      },
      { env },
    );
    try {
      const audio = await speak(stack.tts!, 'Hello there.');
      expect(audio).toMatchObject({ sampleRate: 24_000, samples: 4_800 });
      expect(stack.options.tts[0]?.label).toBe('inference/cartesia/sonic-3');
    } finally {
      await stack.close();
    }
    expect(gateway.sessions[0]).toMatchObject({
      model: 'cartesia/sonic-3',
      voice: 'voice-in-model',
      sample_rate: '24000',
      fallback: {
        models: [
          { model: 'deepgram/aura-2', voice: 'athena-en', extra: {} },
          { model: 'rime/mistv2', voice: 'cove', extra: { speed_alpha: 1.1 } },
        ],
      },
    });
  });

  it('picks a native French Cartesia voice for `language: "fr"` when no voice is given', async () => {
    const stack = await createVoiceStack(
      { tts: { provider: 'inference', model: 'cartesia/sonic-turbo', language: 'fr', baseURL: gateway.baseURL } },
      { env },
    );
    try {
      await speak(stack.tts!, 'Bonjour.');
    } finally {
      await stack.close();
    }
    expect(gateway.requests[0]).toMatchObject({ voice: '65b25c5d-ff07-4687-a04c-da2f43ef6fa9', language: 'fr' });
  });

  it("leaves other providers' voices to the gateway", async () => {
    const stack = await createVoiceStack(
      { tts: { provider: 'inference', model: 'deepgram/aura-2', language: 'fr', baseURL: gateway.baseURL } },
      { env },
    );
    try {
      await speak(stack.tts!, 'Bonjour.');
    } finally {
      await stack.close();
    }
    expect(gateway.requests[0]?.voice).toBeUndefined();
  });

  it('a wrong secret is refused at the handshake (401): no audio', async () => {
    const stack = await createVoiceStack(
      { tts: { provider: 'inference', model: 'cartesia/sonic-turbo', baseURL: gateway.baseURL } },
      { env: { LIVEKIT_API_KEY: credentials.apiKey, LIVEKIT_API_SECRET: 'not-the-secret-000000' } },
    );
    const errors: unknown[] = [];
    providerTTS(stack).on('error', (event) => errors.push(event.error));
    try {
      const audio = await speak(providerTTS(stack), 'Hello.', { maxRetry: 0, retryIntervalMs: 0, timeoutMs: 5_000 });
      expect(audio.frames).toHaveLength(0);
    } finally {
      await stack.close();
    }
    expect(errors).toHaveLength(1);
    expect(gateway.requests).toHaveLength(0);
  });
});

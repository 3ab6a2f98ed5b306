import { describe, expect, it } from 'vitest';
import { createVoiceStack, voiceStackConfigFromEnv } from '../../src/index.js';
import { configProblems } from '../helpers/config-problems.js';

describe('TTS config validation', () => {
  it('names the path and the fix for a typo in an option', async () => {
    const message = await configProblems({ tts: { provider: 'cartesia', voise: 'abc' } });
    expect(message).toMatch(/tts/);
    expect(message).toMatch(/voise/);
    expect(message).toMatch(/voice/); // suggests the known key
  });

  it('refuses an English-only ElevenLabs model with a non-English language, naming the multilingual models', async () => {
    const message = await configProblems({ tts: { provider: 'elevenlabs', model: 'eleven_flash_v2', language: 'fr' } });
    expect(message).toMatch(/tts\.model/);
    expect(message).toMatch(/Fix: use "eleven_turbo_v2_5", "eleven_flash_v2_5" or "eleven_multilingual_v2"/);
  });

  it('refuses voice settings out of range', async () => {
    const message = await configProblems({ tts: { provider: 'elevenlabs', voiceSettings: { stability: 1.5 } } });
    expect(message).toMatch(/tts\.voiceSettings\.stability/);
    expect(message).toMatch(/between 0 and 1/);
  });

  it('refuses `instructions` with tts-1', async () => {
    const message = await configProblems({ tts: { provider: 'openai', model: 'tts-1', instructions: 'Be calm.' } });
    expect(message).toMatch(/tts\.instructions/);
    expect(message).toMatch(/gpt-4o-mini-tts/);
  });

  it('requires a baseURL for openai-compatible and checks its scheme', async () => {
    expect(await configProblems({ tts: { provider: 'openai-compatible', model: 'kokoro' } })).toMatch(
      /tts\.baseURL: is required\. Fix: add `baseURL`/,
    );
    expect(await configProblems({ tts: { provider: 'openai-compatible', model: 'kokoro', baseURL: 'kokoro:8880/v1' } })).toMatch(
      /tts\.baseURL.*Fix: include the scheme/s,
    );
  });

  it('refuses an unsupported sample rate and a malformed language, in a chain, with their paths', async () => {
    const message = await configProblems({
      tts: [
        { provider: 'cartesia', sampleRate: 12_345 },
        { provider: 'inference', model: 'cartesia/sonic-turbo', language: 'french!' },
      ],
    });
    expect(message).toMatch(/tts\[0\]\.sampleRate.*Fix: use one of/s);
    expect(message).toMatch(/tts\[1\]\.language.*"pt-BR"/s);
  });

  it('never echoes a key in a message', async () => {
    const message = await configProblems({ tts: { provider: 'cartesia', apiKey: 'sk_car_secret_value_1234', voise: 'x' } });
    expect(message).not.toContain('sk_car_secret_value_1234');
  });
});

describe('voiceStackConfigFromEnv: the TTS chain', () => {
  it('orders Inference, Cartesia, ElevenLabs, self-hosted, OpenAI, and applies TTS_LANGUAGE to each', () => {
    const config = voiceStackConfigFromEnv({
      USE_LIVEKIT_INFERENCE: 'true',
      LIVEKIT_API_KEY: 'lk',
      LIVEKIT_API_SECRET: 'lk-secret',
      CARTESIA_API_KEY: 'sk_car',
      ELEVEN_API_KEY: 'xi',
      TTS_BASE_URL: 'http://kokoro:8880/v1',
      OPENAI_TTS_MODEL: 'kokoro',
      OPENAI_TTS_VOICE: 'af_bella',
      OPENAI_API_KEY: 'sk-openai',
      TTS_LANGUAGE: 'fr',
    });
    expect(config.tts).toEqual([
      { provider: 'inference', model: 'cartesia/sonic-turbo', apiKey: 'lk', apiSecret: 'lk-secret', language: 'fr' },
      { provider: 'cartesia', apiKey: 'sk_car', language: 'fr' },
      { provider: 'elevenlabs', apiKey: 'xi', language: 'fr' },
      { provider: 'openai-compatible', baseURL: 'http://kokoro:8880/v1', model: 'kokoro', voice: 'af_bella', language: 'fr' },
      { provider: 'openai', model: 'kokoro', voice: 'af_bella', apiKey: 'sk-openai', language: 'fr' },
    ]);
  });

  it('OPENAI_API_KEY alone gives OpenAI TTS with the default model and voice', () => {
    expect(voiceStackConfigFromEnv({ OPENAI_API_KEY: 'sk-openai' }).tts).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini-tts', voice: 'alloy', apiKey: 'sk-openai' },
    ]);
  });

  it('a malformed TTS_BASE_URL names the variable and the fix', () => {
    expect(() => voiceStackConfigFromEnv({ TTS_BASE_URL: 'kokoro:8880' })).toThrow(/TTS_BASE_URL.*Fix/s);
  });

  it('the env config validates and builds (Cartesia from CARTESIA_API_KEY)', async () => {
    const stack = await createVoiceStack(voiceStackConfigFromEnv({ CARTESIA_API_KEY: 'sk_car', TTS_LANGUAGE: 'de' }), { env: {} });
    try {
      expect(stack.options.tts.map((option) => option.label)).toEqual(['cartesia/sonic-3']);
    } finally {
      await stack.close();
    }
  });
});

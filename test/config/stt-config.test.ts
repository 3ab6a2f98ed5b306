import { describe, expect, it } from 'vitest';
import { createVoiceStack, voiceStackConfigFromEnv } from '../../src/index.js';
import { configProblems } from '../helpers/config-problems.js';

describe('STT config validation: the path, what was received and the fix', () => {
  it('an unknown STT provider lists the STT providers', async () => {
    expect(await configProblems({ stt: { provider: 'whisper' } })).toContain(
      'stt.provider: unknown provider "whisper" for stt. Fix: use one of "inference", "deepgram", "openai", "openai-compatible"',
    );
  });

  it('a misspelt key suggests the right one', async () => {
    expect(await configProblems({ stt: { provider: 'deepgram', langauge: 'fr' } })).toContain(
      'stt: unknown key "langauge". Fix: did you mean "language"?',
    );
  });

  it('openai-compatible needs its baseURL and model', async () => {
    const message = await configProblems({ stt: [{ provider: 'deepgram' }, { provider: 'openai-compatible' }] });
    expect(message).toContain('stt[1].baseURL: is required. Fix: add `baseURL`');
    expect(message).toContain('stt[1].model: is required. Fix: add `model`');
  });

  it('a baseURL without a scheme', async () => {
    expect(await configProblems({ stt: { provider: 'openai-compatible', baseURL: 'whisper:8000/v1', model: 'whisper-1' } })).toContain(
      'stt.baseURL: expected a URL, got "whisper:8000/v1". Fix: include the scheme, e.g. "http://localhost:8000/v1".',
    );
  });

  it('a language that is not a language code', async () => {
    expect(await configProblems({ stt: { provider: 'inference', language: 'French' } })).toContain(
      'stt.language: expected a language code, got "French". Fix: use a code such as "en" or "multi".',
    );
  });

  it('Inference fallback must be a list of model strings', async () => {
    expect(await configProblems({ stt: { provider: 'inference', fallback: 'assemblyai/universal-streaming' } })).toContain(
      'stt.fallback: expected an array of model strings, got "assemblyai/universal-streaming". Fix: e.g. ["assemblyai/universal-streaming"].',
    );
  });

  it('an English-only Whisper model with another language', async () => {
    expect(
      await configProblems({
        stt: { provider: 'openai-compatible', baseURL: 'http://whisper:8000/v1', model: 'Systran/faster-whisper-small.en', language: 'fr' },
      }),
    ).toContain('stt.model: expected a multilingual model for a non-English `language`. Fix: use a model without the ".en" suffix');
    expect(
      await configProblems({
        stt: { provider: 'openai-compatible', baseURL: 'http://whisper:8000/v1', model: 'distil-whisper/distil-large-v3', language: 'de' },
      }),
    ).toContain('stt.model: expected a multilingual model');
  });

  it('a VAD silence out of range', async () => {
    expect(await configProblems({ stt: { provider: 'openai', minSilenceMs: 10 } })).toContain(
      'stt.minSilenceMs: expected `minSilenceMs` of at least 50 ms, got 10. Fix: use 50 or more.',
    );
  });

  it('never echoes a key', async () => {
    const message = await configProblems({ stt: { provider: 'deepgram', apiKey: 12345678901234 } });
    expect(message).toContain('stt.apiKey: expected a string. Fix: pass the Deepgram API key as a string or set DEEPGRAM_API_KEY.');
    expect(message).not.toContain('12345678901234');
  });

  it('a missing key names the variable', async () => {
    const deepgram = await createVoiceStack({ stt: { provider: 'deepgram' } }, { env: {} }).catch((error: unknown) => error);
    expect((deepgram as Error).message).toBe(
      'Failed to create stt (deepgram): no `apiKey` was given. Fix: set `apiKey` in the config entry or the DEEPGRAM_API_KEY environment variable.',
    );
    const inference = await createVoiceStack({ stt: [{ provider: 'inference' }] }, { env: { LIVEKIT_API_KEY: 'k' } }).catch(
      (error: unknown) => error,
    );
    expect((inference as Error).message).toContain(
      'Failed to create stt[0] (inference): no `apiSecret` was given. Fix: set `apiSecret` in the config entry or the LIVEKIT_API_SECRET',
    );
  });
});

describe('voiceStackConfigFromEnv: the STT chain', () => {
  it('Inference first, then Deepgram, the self-hosted server and OpenAI', () => {
    const config = voiceStackConfigFromEnv({
      USE_LIVEKIT_INFERENCE: 'true',
      LIVEKIT_API_KEY: 'lk',
      LIVEKIT_API_SECRET: 'lks',
      DEEPGRAM_API_KEY: 'dg',
      STT_BASE_URL: 'http://whisper:8000/v1',
      OPENAI_STT_MODEL: 'whisper-1',
      OPENAI_API_KEY: 'sk-o',
    });
    expect(config.stt).toEqual([
      { provider: 'inference', model: 'deepgram/nova-3', apiKey: 'lk', apiSecret: 'lks' },
      { provider: 'deepgram', apiKey: 'dg' },
      { provider: 'openai-compatible', baseURL: 'http://whisper:8000/v1', model: 'whisper-1' },
      { provider: 'openai', model: 'whisper-1', apiKey: 'sk-o' },
    ]);
  });

  it('STT_LANGUAGE and INFERENCE_STT_MODEL', () => {
    const config = voiceStackConfigFromEnv({
      USE_LIVEKIT_INFERENCE: '1',
      INFERENCE_STT_MODEL: 'assemblyai/universal-streaming',
      DEEPGRAM_API_KEY: 'dg',
      STT_LANGUAGE: 'fr',
    });
    expect(config.stt).toEqual([
      { provider: 'inference', model: 'assemblyai/universal-streaming', language: 'fr' },
      { provider: 'deepgram', apiKey: 'dg', language: 'fr' },
    ]);
  });

  it('OPENAI_API_KEY with OPENAI_BASE_URL is the LLM server key: no OpenAI STT', () => {
    const config = voiceStackConfigFromEnv({ OPENAI_API_KEY: 'sk-vllm', OPENAI_BASE_URL: 'http://vllm:8000/v1' });
    expect(config.stt).toBeUndefined();
    expect(voiceStackConfigFromEnv({ OPENAI_API_KEY: 'sk-o' }).stt).toEqual([
      { provider: 'openai', model: 'gpt-4o-transcribe', apiKey: 'sk-o' },
    ]);
  });

  it('a malformed STT_BASE_URL is named with the fix', () => {
    expect(() => voiceStackConfigFromEnv({ STT_BASE_URL: 'whisper:8000' })).toThrow(
      'STT_BASE_URL: expected a URL, got "whisper:8000". Fix: include the scheme',
    );
  });

  it('the result builds a stack', async () => {
    const stack = await createVoiceStack(
      voiceStackConfigFromEnv({ DEEPGRAM_API_KEY: 'dg', STT_BASE_URL: 'http://whisper:8000/v1', STT_LANGUAGE: 'de' }),
    );
    try {
      expect(String(stack)).toBe('VoiceStack(stt: deepgram/nova-3 → openai-compatible/medium)');
      expect(stack.sessionOptions().vad).toBeDefined();
    } finally {
      await stack.close();
    }
  });
});

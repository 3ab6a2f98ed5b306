import { describe, expect, it } from 'vitest';
import { ConfigError, createModeController, createVoiceStack, voiceStackConfigFromEnv } from '../../src/index.js';
import { KEYS, S0, S1, S1_OFFLINE, S2, S3, S4 } from '../helpers/setup-envs.js';

describe('voiceStackConfigFromEnv', () => {
  it('LLM_MODEL=a,b becomes an OpenRouter chain, with the key from the env', () => {
    const config = voiceStackConfigFromEnv({
      LLM_MODEL: 'meta-llama/llama-3.3-70b-instruct:free, qwen/qwen-2.5-72b-instruct:free',
      OPENROUTER_API_KEY: 'sk-or-x',
    });
    expect(config.llm).toEqual([
      { provider: 'openrouter', models: ['meta-llama/llama-3.3-70b-instruct:free', 'qwen/qwen-2.5-72b-instruct:free'], apiKey: 'sk-or-x' },
    ]);
  });

  it('LOCAL_LLM_BASE_URL adds llama.cpp as the last resort', () => {
    const config = voiceStackConfigFromEnv({
      LLM_MODEL: 'a/b',
      LOCAL_LLM_BASE_URL: 'http://127.0.0.1:8080/v1',
      LOCAL_LLM_MODEL: 'qwen3-4b',
    });
    expect(config.llm).toEqual([
      { provider: 'openrouter', models: ['a/b'] },
      { provider: 'llama-cpp', baseURL: 'http://127.0.0.1:8080/v1', model: 'qwen3-4b', lastResort: true },
    ]);
  });

  it('USE_LIVEKIT_INFERENCE=true puts Inference first, the plugins behind it', () => {
    const config = voiceStackConfigFromEnv({
      USE_LIVEKIT_INFERENCE: 'true',
      OPENAI_API_KEY: 'sk-o',
      LIVEKIT_API_KEY: 'lk',
      LIVEKIT_API_SECRET: 'lks',
    });
    expect(config.llm).toEqual([
      { provider: 'inference', model: 'openai/gpt-4.1-mini', apiKey: 'lk', apiSecret: 'lks' },
      { provider: 'openai', model: 'gpt-4.1-mini', apiKey: 'sk-o' },
    ]);
  });

  it('OPENAI_BASE_URL switches OpenAI to a self-hosted OpenAI-compatible server', () => {
    const config = voiceStackConfigFromEnv({ OPENAI_BASE_URL: 'http://vllm:8000/v1', OPENAI_LLM_MODEL: 'qwen3-8b' });
    expect(config.llm).toEqual([{ provider: 'openai-compatible', baseURL: 'http://vllm:8000/v1', model: 'qwen3-8b' }]);
  });

  it('an empty environment gives an empty config', () => {
    expect(voiceStackConfigFromEnv({})).toEqual({});
  });

  it('malformed variables are named with the fix', () => {
    let error: ConfigError | undefined;
    try {
      voiceStackConfigFromEnv({ OPENAI_BASE_URL: 'localhost:8000', USE_LIVEKIT_INFERENCE: 'maybe' });
    } catch (thrown) {
      error = thrown as ConfigError;
    }
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toContain('USE_LIVEKIT_INFERENCE: expected true or false, got "maybe". Fix: set USE_LIVEKIT_INFERENCE=true');
    expect(error?.message).toContain('OPENAI_BASE_URL: expected a URL, got "localhost:8000". Fix: include the scheme');
  });

  it('the result is a valid createVoiceStack config', async () => {
    const stack = await createVoiceStack(
      voiceStackConfigFromEnv({ LLM_MODEL: 'a/b,c/d', OPENROUTER_API_KEY: 'k', LOCAL_LLM_BASE_URL: 'http://127.0.0.1:8080/v1' }),
    );
    expect(stack.options.llm.map((option) => [option.label, option.lastResort])).toEqual([
      ['openrouter/a/b', false],
      ['openrouter/c/d', false],
      ['llama-cpp/local', true],
    ]);
    expect(String(stack)).toBe('VoiceStack(llm: openrouter/a/b → openrouter/c/d → llama-cpp/local)');
    await stack.close();
  });
});

describe('voiceStackConfigFromEnv: the five replaced setups, as their teams spell them', () => {
  it('S0: ELEVENLABS_API_KEY is read; USE_LIVEKIT_INFERENCE=false gives the plugins only', () => {
    const config = voiceStackConfigFromEnv(S0(false));
    expect(config.stt).toEqual([
      { provider: 'deepgram', apiKey: KEYS.deepgram },
      { provider: 'openai', model: 'gpt-4o-transcribe', apiKey: KEYS.openai },
    ]);
    expect(config.tts).toEqual([
      { provider: 'cartesia', apiKey: KEYS.cartesia },
      { provider: 'elevenlabs', apiKey: KEYS.elevenlabs },
      { provider: 'openai', model: 'gpt-4o-mini-tts', voice: 'alloy', apiKey: KEYS.openai },
    ]);
  });

  it('S0: USE_LIVEKIT_INFERENCE=true puts Inference in front of the plugins in every slot', () => {
    const config = voiceStackConfigFromEnv(S0(true));
    const inference = { apiKey: KEYS.livekitKey, apiSecret: KEYS.livekitSecret };
    expect((config.stt as { provider: string }[]).map((entry) => entry.provider)).toEqual(['inference', 'deepgram', 'openai']);
    expect((config.llm as object[])[0]).toEqual({ provider: 'inference', model: 'openai/gpt-4.1-mini', ...inference });
    expect((config.tts as object[])[0]).toEqual({ provider: 'inference', model: 'cartesia/sonic-turbo', ...inference });
  });

  it('ELEVEN_API_KEY (LiveKit’s spelling) wins over ELEVENLABS_API_KEY; ELEVENLABS_VOICE_ID and ELEVENLABS_MODEL are read', () => {
    const config = voiceStackConfigFromEnv({
      ELEVEN_API_KEY: 'xi-livekit-spelling',
      ELEVENLABS_API_KEY: 'xi-team-spelling',
      ELEVENLABS_VOICE_ID: 'voice-1',
      ELEVENLABS_MODEL: 'eleven_flash_v2_5',
    });
    expect(config.tts).toEqual([{ provider: 'elevenlabs', apiKey: 'xi-livekit-spelling', voice: 'voice-1', model: 'eleven_flash_v2_5' }]);
  });

  it('S1: AICO_BACKEND_URL gives the resolver options; PROVIDER_ENV_FALLBACK=false turns the env fallback off', () => {
    const config = voiceStackConfigFromEnv(S1);
    expect(config.providerResolver).toMatchObject({ url: S1.AICO_BACKEND_URL, apiKey: KEYS.backend, envFallback: true });
    expect(Object.keys(config)).not.toContain('providerResolver'); // not enumerable: the config itself stays valid and key-free
    expect(voiceStackConfigFromEnv({ ...S1, PROVIDER_ENV_FALLBACK: 'false' }).providerResolver?.envFallback).toBe(false);
    expect(config.llm).toEqual([{ provider: 'groq', apiKey: KEYS.groq }]);
    expect(() => voiceStackConfigFromEnv({ AICO_BACKEND_URL: S1.AICO_BACKEND_URL })).toThrow(
      'AICO_INTERNAL_API_KEY: not set, but AICO_BACKEND_URL is. Fix:',
    );
  });

  it('S1 offline: STT_PROVIDER=vosk and TTS_PROVIDER=piper with their hosts and ports, the local LLM; no cloud', () => {
    expect(voiceStackConfigFromEnv(S1_OFFLINE)).toEqual({
      stt: [{ provider: 'vosk', baseURL: 'ws://localhost:2700' }],
      llm: [{ provider: 'llama-cpp', baseURL: 'http://localhost:8080/v1', model: 'local', lastResort: true }],
      tts: [{ provider: 'piper', baseURL: 'http://localhost:5000' }],
    });
    // The defaults of S1's servers; the provider named goes first, the cloud ones stay behind it.
    const config = voiceStackConfigFromEnv({
      STT_PROVIDER: 'vosk',
      TTS_PROVIDER: 'piper',
      DEEPGRAM_API_KEY: KEYS.deepgram,
      CARTESIA_API_KEY: KEYS.cartesia,
    });
    expect(config.stt).toEqual([
      { provider: 'vosk', baseURL: 'ws://localhost:2700' },
      { provider: 'deepgram', apiKey: KEYS.deepgram },
    ]);
    expect(config.tts).toEqual([
      { provider: 'piper', baseURL: 'http://localhost:5000' },
      { provider: 'cartesia', apiKey: KEYS.cartesia },
    ]);
    // A host and port alone add the local server behind the cloud ones (a local fallback).
    expect(voiceStackConfigFromEnv({ DEEPGRAM_API_KEY: KEYS.deepgram, STT_HOST: 'vosk.internal', STT_LANGUAGE: 'fr' }).stt).toEqual([
      { provider: 'deepgram', apiKey: KEYS.deepgram, language: 'fr' },
      { provider: 'vosk', baseURL: 'ws://vosk.internal:2700', language: 'fr' },
    ]);
    expect(() => voiceStackConfigFromEnv({ ...S1_OFFLINE, TTS_PORT: 'five thousand' })).toThrow(
      'TTS_PORT: expected a port number, got "five thousand". Fix: set TTS_PORT=5000.',
    );
    expect(() => voiceStackConfigFromEnv({ TTS_PROVIDER: 'cartesia' })).toThrow(
      'TTS_PROVIDER: not set, but its provider "cartesia" has no settings',
    );
  });

  it('S1: each LLM provider has its own key variables', () => {
    const config = voiceStackConfigFromEnv({
      GROQ_API_KEY: 'g',
      GOOGLE_API_KEY: 'gm',
      ANTHROPIC_API_KEY: 'a',
      ANTHROPIC_MODEL: 'claude-sonnet-4-5',
      AZURE_OPENAI_API_KEY: 'az',
      AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
    });
    expect(config.llm).toEqual([
      { provider: 'groq', apiKey: 'g' },
      { provider: 'gemini', apiKey: 'gm' },
      { provider: 'anthropic', apiKey: 'a', model: 'claude-sonnet-4-5' },
      { provider: 'azure-openai', endpoint: 'https://acme.openai.azure.com', deployment: 'gpt-4o-mini', apiKey: 'az' },
    ]);
  });

  it("S2: the one OPENAI_API_KEY goes to all three servers, with S2's default models and voice", () => {
    const config = voiceStackConfigFromEnv(S2);
    expect(config.llm).toEqual([{ provider: 'openai-compatible', baseURL: S2.OPENAI_BASE_URL, model: 'qwen-14b', apiKey: KEYS.openai }]);
    expect(config.stt).toEqual([{ provider: 'openai-compatible', baseURL: S2.STT_BASE_URL, model: 'medium', apiKey: KEYS.openai }]);
    expect(config.tts).toEqual([
      { provider: 'openai-compatible', baseURL: S2.TTS_BASE_URL, model: 'kokoro', voice: 'af_bella', apiKey: KEYS.openai },
    ]);
  });

  it('S2: without OPENAI_BASE_URL the OpenAI cloud key is never sent to a self-hosted speech server', () => {
    const config = voiceStackConfigFromEnv({ OPENAI_API_KEY: KEYS.openai, STT_BASE_URL: S2.STT_BASE_URL });
    expect((config.stt as object[])[0]).toEqual({ provider: 'openai-compatible', baseURL: S2.STT_BASE_URL, model: 'medium' });
  });

  it('S3: OPENROUTER_API_KEY without LLM_MODEL gets the default model, llama.cpp last', () => {
    expect(voiceStackConfigFromEnv(S3).llm).toEqual([
      { provider: 'openrouter', models: ['meta-llama/llama-3.3-70b-instruct:free'], apiKey: KEYS.openrouter },
      { provider: 'llama-cpp', baseURL: S3.LOCAL_LLM_BASE_URL, model: 'local', lastResort: true },
    ]);
  });

  it('S4: LLM_MODE gives both modes for createModeController, and the config of the chosen one', () => {
    const realtime = voiceStackConfigFromEnv(S4('openai_realtime'));
    expect(realtime).toEqual({ llm: { provider: 'openai-realtime', model: 'gpt-realtime', apiKey: KEYS.openai } });
    expect(realtime.modes?.mode).toBe('openai_realtime');
    expect(realtime.modes?.fallbackMode).toBe('runpod_streaming');
    const pipeline = realtime.modes!.modes.runpod_streaming!;
    expect(pipeline).toEqual({
      stt: [{ provider: 'openai-compatible', baseURL: 'https://whisper.example.com/v1', model: 'large-v3' }],
      llm: [{ provider: 'openai-compatible', baseURL: 'https://api.runpod.ai/v2/a100pod/openai/v1', model: 'Qwen/Qwen2.5-32B-Instruct' }],
      tts: [{ provider: 'elevenlabs', apiKey: KEYS.elevenlabs, voice: 'voice-s4-narrator', model: 'eleven_flash_v2_5' }],
    });
    expect(voiceStackConfigFromEnv(S4('runpod_streaming'))).toEqual(pipeline);
  });

  it('S4: missing or malformed mode variables are named with the fix', () => {
    expect(() => voiceStackConfigFromEnv({ LLM_MODE: 'realtime' })).toThrow(
      'LLM_MODE: expected one of openai_realtime, runpod_streaming, got "realtime". Fix: set LLM_MODE=openai_realtime.',
    );
    expect(() => voiceStackConfigFromEnv({ LLM_MODE: 'runpod_streaming' })).toThrow('RUNPOD_A100_ENDPOINT: not set');
    expect(() => voiceStackConfigFromEnv({ RUNPOD_A40_ENDPOINT: 'https://x.example/v1' })).toThrow(
      'RUNPOD_LLM_MODEL: not set, but a RunPod endpoint is set. Fix: set RUNPOD_LLM_MODEL',
    );
  });

  it('every setup gives a config createVoiceStack accepts, with the modes createModeController takes directly', async () => {
    for (const env of [S0(true), S0(false), S1, S2, S3, S4('openai_realtime'), S4('runpod_streaming')]) {
      const stack = await createVoiceStack(voiceStackConfigFromEnv(env), { env: {} });
      await stack.close();
    }
    const controller = createModeController(voiceStackConfigFromEnv(S4('openai_realtime')).modes!);
    expect(controller.mode).toBe('openai_realtime');
    await controller.close();
  });
});

/**
 * The five replaced setups' environments, with the variables exactly as their teams spell them and placeholder
 * values. Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
 */
export const KEYS = {
  openai: 'sk' + '-proj-FAKE-openai-0123456789abcdef',
  deepgram: 'dg' + '-FAKE-deepgram-0123456789abcdef',
  cartesia: 'sk' + '_car_FAKE-cartesia-0123456789abcdef',
  elevenlabs: 'xi' + '-FAKE-elevenlabs-0123456789abcdef',
  livekitKey: 'APIfakeLiveKitKey01',
  livekitSecret: 'fake-livekit-secret-0123456789abcdefghij',
  openrouter: 'sk' + '-or-v1-FAKE-openrouter-0123456789abcdef',
  runpod: 'rp' + '_FAKE-runpod-0123456789abcdef',
  groq: 'gsk' + '_FAKE-groq-0123456789abcdef',
  backend: 'aico' + '-internal-FAKE-0123456789abcdef',
} as const;

/** S0: plugins → LiveKit Inference, behind one flag. */
export const S0 = (inference: boolean, withLiveKit = true): Record<string, string> => ({
  USE_LIVEKIT_INFERENCE: String(inference),
  ...(withLiveKit && {
    LIVEKIT_URL: 'wss://my-project.livekit.cloud',
    LIVEKIT_API_KEY: KEYS.livekitKey,
    LIVEKIT_API_SECRET: KEYS.livekitSecret,
  }),
  OPENAI_API_KEY: KEYS.openai,
  DEEPGRAM_API_KEY: KEYS.deepgram,
  CARTESIA_API_KEY: KEYS.cartesia,
  ELEVENLABS_API_KEY: KEYS.elevenlabs,
});

/** S1: organisation-scoped providers from a backend; offline dev on Vosk + a local LLM + Piper. */
export const S1 = {
  AICO_BACKEND_URL: 'http://aico-backend.internal:3000',
  AICO_INTERNAL_API_KEY: KEYS.backend,
  PROVIDER_ENV_FALLBACK: 'true',
  GROQ_API_KEY: KEYS.groq,
  DEEPGRAM_API_KEY: KEYS.deepgram,
  ELEVENLABS_API_KEY: KEYS.elevenlabs,
} as const;

/** S1's offline development `.env`: Vosk, a local llama.cpp and Piper, no cloud and no key. */
export const S1_OFFLINE = {
  STT_PROVIDER: 'vosk',
  STT_HOST: 'localhost',
  STT_PORT: '2700',
  TTS_PROVIDER: 'piper',
  TTS_HOST: 'localhost',
  TTS_PORT: '5000',
  LOCAL_LLM_BASE_URL: 'http://localhost:8080/v1',
} as const;

/** S2: one self-hosted OpenAI-compatible server for the three services. */
export const S2 = {
  OPENAI_API_KEY: KEYS.openai,
  OPENAI_BASE_URL: 'https://gpu.example.com/api/llm/v1',
  STT_BASE_URL: 'https://gpu.example.com/api/stt/v1',
  TTS_BASE_URL: 'https://gpu.example.com/api/tts/v1',
} as const;

/** S3: OpenRouter with a model chain, llama.cpp as the last resort. */
export const S3 = {
  OPENROUTER_API_KEY: KEYS.openrouter,
  LOCAL_LLM_BASE_URL: 'http://llama.internal:8080/v1',
} as const;

/** S4: OpenAI Realtime ⇄ self-hosted pipeline, by admin toggle. */
export const S4 = (mode: 'openai_realtime' | 'runpod_streaming'): Record<string, string> => ({
  LLM_MODE: mode,
  OPENAI_API_KEY: KEYS.openai,
  OPENAI_MODEL: 'gpt-realtime',
  RUNPOD_A100_ENDPOINT: 'https://api.runpod.ai/v2/a100pod/openai/v1',
  RUNPOD_API_KEY: '',
  RUNPOD_LLM_MODEL: 'Qwen/Qwen2.5-32B-Instruct',
  WHISPER_ENDPOINT: 'https://whisper.example.com/v1',
  WHISPER_MODEL: 'large-v3',
  ELEVENLABS_API_KEY: KEYS.elevenlabs,
  ELEVENLABS_VOICE_ID: 'voice-s4-narrator',
  ELEVENLABS_MODEL: 'eleven_flash_v2_5',
});

import type { VoiceStackConfig } from 'livekit-voice-stack';

/** The three self-hosted servers and their defaults (the usual ports of each project's Docker image). */
export const SELF_HOSTED_DEFAULTS = {
  STT_BASE_URL: 'http://localhost:8001/v1', // faster-whisper-server / speaches
  OPENAI_STT_MODEL: 'Systran/faster-whisper-small',
  OPENAI_BASE_URL: 'http://localhost:8000/v1', // vLLM
  OPENAI_LLM_MODEL: 'Qwen/Qwen3-8B',
  TTS_BASE_URL: 'http://localhost:8880/v1', // Kokoro-FastAPI
  OPENAI_TTS_MODEL: 'kokoro',
  OPENAI_TTS_VOICE: 'af_bella',
} as const;

/**
 * STT, LLM and TTS on three self-hosted OpenAI-compatible servers, each with its own base URL. Nothing leaves your
 * network; the non-streaming transcription server is segmented by the bundled VAD so it works in a live call.
 */
export function selfHostedConfig(env: Record<string, string | undefined> = process.env): VoiceStackConfig {
  const read = (name: keyof typeof SELF_HOSTED_DEFAULTS) => env[name] ?? SELF_HOSTED_DEFAULTS[name];
  return {
    stt: { provider: 'openai-compatible', baseURL: read('STT_BASE_URL'), model: read('OPENAI_STT_MODEL'), language: 'en' },
    llm: { provider: 'openai-compatible', baseURL: read('OPENAI_BASE_URL'), model: read('OPENAI_LLM_MODEL') },
    tts: { provider: 'openai-compatible', baseURL: read('TTS_BASE_URL'), model: read('OPENAI_TTS_MODEL'), voice: read('OPENAI_TTS_VOICE') },
  };
}

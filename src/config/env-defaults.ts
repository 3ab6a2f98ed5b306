/** Defaults used when a variable is not set. docs/configuration.md lists them all. */
export const ENV_DEFAULTS = {
  INFERENCE_LLM_MODEL: 'openai/gpt-4.1-mini',
  INFERENCE_STT_MODEL: 'deepgram/nova-3',
  INFERENCE_TTS_MODEL: 'cartesia/sonic-turbo',
  OPENAI_LLM_MODEL: 'gpt-4.1-mini',
  OPENAI_STT_MODEL: 'gpt-4o-transcribe',
  OPENAI_TTS_MODEL: 'gpt-4o-mini-tts',
  OPENAI_TTS_VOICE: 'alloy',
  /** The models of a self-hosted OpenAI-compatible server (`OPENAI_BASE_URL`, `STT_BASE_URL`, `TTS_BASE_URL`). */
  SELF_HOSTED_LLM_MODEL: 'qwen-14b',
  SELF_HOSTED_STT_MODEL: 'medium',
  SELF_HOSTED_TTS_MODEL: 'kokoro',
  SELF_HOSTED_TTS_VOICE: 'af_bella',
  /** OpenRouter's model when `OPENROUTER_API_KEY` is set and `LLM_MODEL` is not. */
  OPENROUTER_MODEL: 'meta-llama/llama-3.3-70b-instruct:free',
  LOCAL_LLM_MODEL: 'local',
  /** The realtime model of `LLM_MODE=openai_realtime`. */
  OPENAI_MODEL: 'gpt-realtime',
  WHISPER_MODEL: 'whisper-1',
} as const;

/** The values `LLM_MODE` takes: OpenAI Realtime (speech-to-speech), or the self-hosted pipeline. */
export const LLM_MODES = ['openai_realtime', 'runpod_streaming'] as const;

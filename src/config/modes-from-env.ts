import { ENV_DEFAULTS } from './env-defaults.js';
import type { EnvReader } from './env-reader.js';
import type { VoiceStackConfig } from './voice-stack-config.js';

/** The values `LLM_MODE` takes: OpenAI Realtime (speech-to-speech), or the self-hosted pipeline. */
export const LLM_MODES = ['openai_realtime', 'runpod_streaming'] as const;

/** `LLM_MODE`'s modes, ready for `createModeController(config.modes)`. */
export interface EnvModes {
  /** Each configured mode's config. */
  modes: Record<string, VoiceStackConfig>;
  /** `LLM_MODE`. */
  mode: string;
  /** `runpod_streaming` when the mode is `openai_realtime` and the pipeline is configured: a refused handshake lands there. */
  fallbackMode?: string;
}

/**
 * `LLM_MODE`'s modes: OpenAI Realtime (`OPENAI_API_KEY`, `OPENAI_MODEL`) and the pipeline of the three slots, with the
 * pipeline as the fallback of a realtime mode whose handshake is refused. Returns the modes and the config of the mode
 * `LLM_MODE` names.
 */
export function modesFromEnv(
  reader: EnvReader,
  llmMode: (typeof LLM_MODES)[number],
  pipeline: VoiceStackConfig,
): { modes: EnvModes; config: VoiceStackConfig } {
  const { read, missing } = reader;
  const openAIKey = read('OPENAI_API_KEY');
  const realtime: VoiceStackConfig | undefined = openAIKey
    ? { llm: { provider: 'openai-realtime', model: read('OPENAI_MODEL') ?? ENV_DEFAULTS.OPENAI_MODEL, apiKey: openAIKey } }
    : undefined;
  if (llmMode === 'openai_realtime' && !realtime) missing('OPENAI_API_KEY', 'LLM_MODE=openai_realtime needs it', 'set OPENAI_API_KEY');
  if (llmMode === 'runpod_streaming' && !pipeline.llm)
    missing('RUNPOD_A100_ENDPOINT', 'LLM_MODE=runpod_streaming needs an LLM', 'set RUNPOD_A100_ENDPOINT (or RUNPOD_A40_ENDPOINT)');
  const modes: EnvModes = {
    modes: { ...(realtime && { openai_realtime: realtime }), ...(pipeline.llm && { runpod_streaming: pipeline }) },
    mode: llmMode,
    ...(llmMode === 'openai_realtime' && pipeline.llm && { fallbackMode: 'runpod_streaming' }),
  };
  return { modes, config: (llmMode === 'openai_realtime' ? realtime : pipeline) ?? {} };
}

import { ConfigError } from '../errors/index.js';
import { ENV_DEFAULTS } from './env-defaults.js';
import { createEnvContext, createEnvReader } from './env-reader.js';
import type { BuiltinLLMConfig } from './llm-config.js';
import { llmFromEnv } from './llm-from-env.js';
import { type EnvModes, LLM_MODES, modesFromEnv } from './modes-from-env.js';
import type { ProviderResolverOptions } from './provider-resolver-options.js';
import { resolverFromEnv } from './resolver-from-env.js';
import { STT_PROVIDERS, sttFromEnv } from './stt-from-env.js';
import { TTS_PROVIDERS, ttsFromEnv } from './tts-from-env.js';
import type { VoiceStackConfig } from './voice-stack-config.js';

export { ENV_DEFAULTS, type EnvModes, LLM_MODES };

/** What {@link voiceStackConfigFromEnv} returns: a config, plus what some setups need beside it. */
export interface EnvVoiceStackConfig extends VoiceStackConfig {
  /** With `LLM_MODE`: every mode, for `createModeController(config.modes)`. The config itself is `LLM_MODE`'s. Not enumerable. */
  readonly modes?: EnvModes;
  /** With `AICO_BACKEND_URL`: `createProviderResolver(config.providerResolver)`. Not enumerable (it holds a key). */
  readonly providerResolver?: ProviderResolverOptions;
}

/**
 * Builds a config from the environment conventions of the teams migrating to livekit-voice-stack (every variable, its
 * default and the entry it produces: docs/configuration.md). Each slot is a chain, in this order:
 *
 * - LLM: LiveKit Inference (`USE_LIVEKIT_INFERENCE`), RunPod (`RUNPOD_A100_ENDPOINT`, `RUNPOD_A40_ENDPOINT`), OpenRouter
 *   (`LLM_MODEL`, `OPENROUTER_API_KEY`), OpenAI or the self-hosted server of `OPENAI_BASE_URL`, Groq, Gemini, Anthropic,
 *   Azure OpenAI, then llama.cpp as the last resort (`LOCAL_LLM_BASE_URL`).
 * - STT: Inference, Deepgram, Whisper (`WHISPER_ENDPOINT`), the server of `STT_BASE_URL`, OpenAI, Vosk (`STT_HOST`,
 *   `STT_PORT`); `STT_PROVIDER` moves one provider to the front.
 * - TTS: Inference, Cartesia, ElevenLabs (`ELEVEN_API_KEY`, else `ELEVENLABS_API_KEY`), the server of `TTS_BASE_URL`, OpenAI,
 *   Piper (`TTS_HOST`, `TTS_PORT`); `TTS_PROVIDER` moves one provider to the front.
 *
 * `LLM_MODE` adds `modes`; `AICO_BACKEND_URL` adds `providerResolver`. Keys are copied from `env` into the entries
 * (they are masked whenever a config is printed).
 * @throws {ConfigError} when a variable is malformed or one it needs is missing, naming the variable and the fix.
 */
export function voiceStackConfigFromEnv(env: Record<string, string | undefined> = process.env): EnvVoiceStackConfig {
  const reader = createEnvReader(env);
  const llmMode = reader.oneOf('LLM_MODE', LLM_MODES);
  const context = createEnvContext(reader, llmMode !== undefined);
  const llm = llmFromEnv(context);
  const stt = sttFromEnv(context, reader.oneOf('STT_PROVIDER', STT_PROVIDERS));
  const tts = ttsFromEnv(context, reader.oneOf('TTS_PROVIDER', TTS_PROVIDERS));
  const pipeline: VoiceStackConfig = {};
  if (stt.length) pipeline.stt = stt as unknown as VoiceStackConfig['stt'];
  if (llm.length) pipeline.llm = llm as unknown as BuiltinLLMConfig[];
  if (tts.length) pipeline.tts = tts as unknown as VoiceStackConfig['tts'];
  const withModes = llmMode ? modesFromEnv(reader, llmMode, pipeline) : undefined;
  const providerResolver = resolverFromEnv(reader, env);
  if (reader.issues.length > 0) throw new ConfigError(reader.issues, 'voiceStackConfigFromEnv()');

  const result: EnvVoiceStackConfig = { ...(withModes?.config ?? pipeline) };
  if (withModes) Object.defineProperty(result, 'modes', { value: withModes.modes, enumerable: false });
  if (providerResolver) Object.defineProperty(result, 'providerResolver', { value: providerResolver, enumerable: false });
  return result;
}

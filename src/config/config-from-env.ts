import { ConfigError, type ConfigIssue } from '../errors/index.js';
import type { BuiltinLLMConfig } from './llm-config.js';
import { urlSchema } from './schema-helpers.js';
import { formatIssue } from './parse-config.js';
import type { VoiceStackConfig } from './voice-stack-config.js';

type Env = Record<string, string | undefined>;
type Entry = Record<string, unknown> & { provider: string };

/** Defaults used when a variable is not set. docs/configuration.md lists them all. */
export const ENV_DEFAULTS = {
  INFERENCE_LLM_MODEL: 'openai/gpt-4.1-mini',
  INFERENCE_STT_MODEL: 'deepgram/nova-3',
  INFERENCE_TTS_MODEL: 'cartesia/sonic-turbo',
  OPENAI_LLM_MODEL: 'gpt-4.1-mini',
  OPENAI_STT_MODEL: 'gpt-4o-transcribe',
  OPENAI_TTS_MODEL: 'gpt-4o-mini-tts',
  OPENAI_TTS_VOICE: 'alloy',
  LOCAL_LLM_MODEL: 'local',
} as const;

/**
 * Builds a config from the environment conventions of teams migrating to livekit-voice-stack:
 *
 * - `USE_LIVEKIT_INFERENCE=true` puts LiveKit Inference first in every slot, the plugins behind it.
 * - `LLM_MODEL=a,b` becomes an OpenRouter chain (`OPENROUTER_API_KEY`).
 * - `OPENAI_API_KEY` / `OPENAI_BASE_URL` add OpenAI (or a self-hosted OpenAI-compatible server).
 * - `LOCAL_LLM_BASE_URL` adds a llama.cpp server as the last resort.
 * - `DEEPGRAM_API_KEY`, `CARTESIA_API_KEY`, `ELEVEN_API_KEY`, `STT_BASE_URL`, `TTS_BASE_URL` add speech providers.
 *
 * Keys are copied from `env` into the entries (they are masked whenever a config is printed).
 * @throws {ConfigError} when a variable is malformed, naming the variable and the fix.
 */
export function voiceStackConfigFromEnv(env: Env = process.env): VoiceStackConfig {
  const issues: ConfigIssue[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const url = (name: string, example: string): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    const result = urlSchema(example).safeParse(value, { reportInput: true });
    if (!result.success) issues.push(...result.error.issues.map((issue) => formatIssue(issue, [name], new Set())));
    return value;
  };
  const flag = (name: string): boolean => {
    const value = read(name)?.toLowerCase();
    if (value === undefined) return false;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (!['0', 'false', 'no', 'off'].includes(value)) {
      issues.push({ path: name, message: `expected true or false, got "${value}". Fix: set ${name}=true or ${name}=false.` });
    }
    return false;
  };
  const withKey = (entry: Entry, key: string | undefined, field = 'apiKey'): Entry =>
    key === undefined ? entry : { ...entry, [field]: key };

  const useInference = flag('USE_LIVEKIT_INFERENCE');
  const openAIKey = read('OPENAI_API_KEY');
  const openAIBaseURL = url('OPENAI_BASE_URL', 'http://localhost:8000/v1');
  const inference = (model: string): Entry => {
    const entry: Entry = { provider: 'inference', model };
    const baseURL = url('LIVEKIT_INFERENCE_URL', 'https://agent-gateway.livekit.cloud/v1');
    if (baseURL) entry.baseURL = baseURL;
    return withKey(withKey(entry, read('LIVEKIT_API_KEY')), read('LIVEKIT_API_SECRET'), 'apiSecret');
  };

  const llm: Entry[] = [];
  if (useInference) llm.push(inference(read('INFERENCE_LLM_MODEL') ?? ENV_DEFAULTS.INFERENCE_LLM_MODEL));
  const chain = read('LLM_MODEL')
    ?.split(',')
    .map((model) => model.trim())
    .filter(Boolean);
  if (chain?.length) {
    const baseURL = url('OPENROUTER_BASE_URL', 'https://openrouter.ai/api/v1');
    llm.push(withKey({ provider: 'openrouter', models: chain, ...(baseURL && { baseURL }) }, read('OPENROUTER_API_KEY')));
  }
  const openAIModel = read('OPENAI_LLM_MODEL');
  if (openAIBaseURL) {
    llm.push(
      withKey({ provider: 'openai-compatible', baseURL: openAIBaseURL, model: openAIModel ?? ENV_DEFAULTS.OPENAI_LLM_MODEL }, openAIKey),
    );
  } else if (openAIKey) {
    llm.push(withKey({ provider: 'openai', model: openAIModel ?? ENV_DEFAULTS.OPENAI_LLM_MODEL }, openAIKey));
  }
  const localURL = url('LOCAL_LLM_BASE_URL', 'http://localhost:8080/v1');
  if (localURL)
    llm.push({
      provider: 'llama-cpp',
      baseURL: localURL,
      model: read('LOCAL_LLM_MODEL') ?? ENV_DEFAULTS.LOCAL_LLM_MODEL,
      lastResort: true,
    });

  const stt: Entry[] = [];
  const tts: Entry[] = [];
  const speech = speechFromEnv({ read, url, inference, useInference, openAIKey, openAIBaseURL });
  stt.push(...speech.stt);
  tts.push(...speech.tts);

  if (issues.length > 0) throw new ConfigError(issues, 'voiceStackConfigFromEnv()');
  const config: VoiceStackConfig = {};
  if (stt.length) config.stt = stt as unknown as VoiceStackConfig['stt'];
  if (llm.length) config.llm = llm as unknown as BuiltinLLMConfig[];
  if (tts.length) config.tts = tts as unknown as VoiceStackConfig['tts'];
  return config;
}

interface SpeechEnvContext {
  read(name: string): string | undefined;
  url(name: string, example: string): string | undefined;
  inference(model: string): Entry;
  useInference: boolean;
  openAIKey: string | undefined;
  openAIBaseURL: string | undefined;
}

/** The speech half of {@link voiceStackConfigFromEnv}: STT and TTS chains. */
function speechFromEnv(context: SpeechEnvContext): { stt: Entry[]; tts: Entry[] } {
  return { stt: sttFromEnv(context), tts: ttsFromEnv(context) };
}

/**
 * The STT chain, in this order: LiveKit Inference (`USE_LIVEKIT_INFERENCE`, model `INFERENCE_STT_MODEL`), Deepgram
 * (`DEEPGRAM_API_KEY`), a self-hosted server (`STT_BASE_URL`, model `OPENAI_STT_MODEL`), OpenAI (`OPENAI_API_KEY`,
 * unless `OPENAI_BASE_URL` says that key belongs to a self-hosted LLM). `STT_LANGUAGE` sets every entry's language.
 */
function sttFromEnv(context: SpeechEnvContext): Entry[] {
  const { read } = context;
  const language = read('STT_LANGUAGE');
  const openAIModel = read('OPENAI_STT_MODEL') ?? ENV_DEFAULTS.OPENAI_STT_MODEL;
  const stt: Entry[] = [];
  if (context.useInference) stt.push(context.inference(read('INFERENCE_STT_MODEL') ?? ENV_DEFAULTS.INFERENCE_STT_MODEL));
  const deepgramKey = read('DEEPGRAM_API_KEY');
  if (deepgramKey) stt.push({ provider: 'deepgram', apiKey: deepgramKey });
  const selfHosted = context.url('STT_BASE_URL', 'http://localhost:8000/v1');
  if (selfHosted) stt.push({ provider: 'openai-compatible', baseURL: selfHosted, model: openAIModel });
  if (context.openAIKey && !context.openAIBaseURL) stt.push({ provider: 'openai', model: openAIModel, apiKey: context.openAIKey });
  return language ? stt.map((entry) => ({ ...entry, language })) : stt;
}

/**
 * The TTS chain, in this order: LiveKit Inference (`USE_LIVEKIT_INFERENCE`, model `INFERENCE_TTS_MODEL`), Cartesia
 * (`CARTESIA_API_KEY`), ElevenLabs (`ELEVEN_API_KEY`), a self-hosted server (`TTS_BASE_URL`, model `OPENAI_TTS_MODEL`,
 * voice `OPENAI_TTS_VOICE`), OpenAI (`OPENAI_API_KEY`, unless `OPENAI_BASE_URL` says that key belongs to a self-hosted
 * LLM). `TTS_LANGUAGE` sets every entry's language (Cartesia then picks a native voice of that language).
 */
function ttsFromEnv(context: SpeechEnvContext): Entry[] {
  const { read } = context;
  const language = read('TTS_LANGUAGE');
  const openAIModel = read('OPENAI_TTS_MODEL') ?? ENV_DEFAULTS.OPENAI_TTS_MODEL;
  const openAIVoice = read('OPENAI_TTS_VOICE') ?? ENV_DEFAULTS.OPENAI_TTS_VOICE;
  const tts: Entry[] = [];
  if (context.useInference) tts.push(context.inference(read('INFERENCE_TTS_MODEL') ?? ENV_DEFAULTS.INFERENCE_TTS_MODEL));
  const cartesiaKey = read('CARTESIA_API_KEY');
  if (cartesiaKey) tts.push({ provider: 'cartesia', apiKey: cartesiaKey });
  const elevenKey = read('ELEVEN_API_KEY');
  if (elevenKey) tts.push({ provider: 'elevenlabs', apiKey: elevenKey });
  const selfHosted = context.url('TTS_BASE_URL', 'http://localhost:8880/v1');
  if (selfHosted) tts.push({ provider: 'openai-compatible', baseURL: selfHosted, model: openAIModel, voice: openAIVoice });
  if (context.openAIKey && !context.openAIBaseURL)
    tts.push({ provider: 'openai', model: openAIModel, voice: openAIVoice, apiKey: context.openAIKey });
  return language ? tts.map((entry) => ({ ...entry, language })) : tts;
}

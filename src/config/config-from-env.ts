import { ConfigError, type ConfigIssue } from '../errors/index.js';
import type { ProviderResolverOptions } from './provider-resolver-options.js';
import type { BuiltinLLMConfig } from './llm-config.js';
import { urlSchema } from './schema-helpers.js';
import { describe, formatIssue } from './parse-config.js';
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

/** `LLM_MODE`'s modes, ready for `createModeController(config.modes)`. */
export interface EnvModes {
  /** Each configured mode's config. */
  modes: Record<string, VoiceStackConfig>;
  /** `LLM_MODE`. */
  mode: string;
  /** `runpod_streaming` when the mode is `openai_realtime` and the pipeline is configured: a refused handshake lands there. */
  fallbackMode?: string;
}

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
export function voiceStackConfigFromEnv(env: Env = process.env): EnvVoiceStackConfig {
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
  const flag = (name: string, fallback = false): boolean => {
    const value = read(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    issues.push({ path: name, message: `expected true or false, got ${describe(value)}. Fix: set ${name}=true or ${name}=false.` });
    return fallback;
  };
  const oneOf = <const T extends string>(name: string, values: readonly T[]): T | undefined => {
    const value = read(name)?.toLowerCase();
    if (value === undefined || (values as readonly string[]).includes(value)) return value as T | undefined;
    issues.push({ path: name, message: `expected one of ${values.join(', ')}, got ${describe(value)}. Fix: set ${name}=${values[0]}.` });
    return undefined;
  };
  const missing = (name: string, because: string, fix: string) =>
    issues.push({ path: name, message: `not set, but ${because}. Fix: ${fix}.` });

  const llmMode = oneOf('LLM_MODE', LLM_MODES);
  const openAIKey = read('OPENAI_API_KEY');
  const openAIBaseURL = url('OPENAI_BASE_URL', 'http://localhost:8000/v1');
  const context: EnvContext = {
    read,
    url,
    useInference: flag('USE_LIVEKIT_INFERENCE'),
    // With LLM_MODE, OPENAI_API_KEY is the realtime model's key: the pipeline does not add OpenAI's cloud.
    openAIKey: llmMode ? undefined : openAIKey,
    // A self-hosted server's key goes to all three of its services (S2: one key for LLM, STT and TTS).
    selfHostedKey: openAIBaseURL ? openAIKey : undefined,
    openAIBaseURL,
    inference: (model: string): Entry => {
      const entry: Entry = { provider: 'inference', model };
      const baseURL = url('LIVEKIT_INFERENCE_URL', 'https://agent-gateway.livekit.cloud/v1');
      if (baseURL) entry.baseURL = baseURL;
      return withKey(withKey(entry, read('LIVEKIT_API_KEY')), read('LIVEKIT_API_SECRET'), 'apiSecret');
    },
    missing,
    local: (slot, scheme, defaultPort, wanted) => {
      const host = read(`${slot}_HOST`);
      const port = read(`${slot}_PORT`);
      if (!wanted && host === undefined && port === undefined) return undefined;
      if (port !== undefined && !(/^\d+$/.test(port) && Number(port) > 0 && Number(port) < 65_536)) {
        issues.push({
          path: `${slot}_PORT`,
          message: `expected a port number, got ${describe(port)}. Fix: set ${slot}_PORT=${defaultPort}.`,
        });
        return undefined;
      }
      const base = host ?? 'localhost';
      // A host given as a URL (wss://vosk.example.com) keeps its scheme.
      return /^[a-z]+:\/\//i.test(base) ? base : `${scheme}://${base}:${port ?? defaultPort}`;
    },
  };

  const llm = llmFromEnv(context);
  const stt = sttFromEnv(context, oneOf('STT_PROVIDER', STT_PROVIDERS));
  const tts = ttsFromEnv(context, oneOf('TTS_PROVIDER', TTS_PROVIDERS));
  const pipeline: VoiceStackConfig = {};
  if (stt.length) pipeline.stt = stt as unknown as VoiceStackConfig['stt'];
  if (llm.length) pipeline.llm = llm as unknown as BuiltinLLMConfig[];
  if (tts.length) pipeline.tts = tts as unknown as VoiceStackConfig['tts'];

  let config: VoiceStackConfig = pipeline;
  let modes: EnvModes | undefined;
  if (llmMode) {
    const realtime: VoiceStackConfig | undefined = openAIKey
      ? { llm: { provider: 'openai-realtime', model: read('OPENAI_MODEL') ?? ENV_DEFAULTS.OPENAI_MODEL, apiKey: openAIKey } }
      : undefined;
    if (llmMode === 'openai_realtime' && !realtime) missing('OPENAI_API_KEY', 'LLM_MODE=openai_realtime needs it', 'set OPENAI_API_KEY');
    if (llmMode === 'runpod_streaming' && !pipeline.llm)
      missing('RUNPOD_A100_ENDPOINT', 'LLM_MODE=runpod_streaming needs an LLM', 'set RUNPOD_A100_ENDPOINT (or RUNPOD_A40_ENDPOINT)');
    modes = {
      modes: { ...(realtime && { openai_realtime: realtime }), ...(pipeline.llm && { runpod_streaming: pipeline }) },
      mode: llmMode,
      ...(llmMode === 'openai_realtime' && pipeline.llm && { fallbackMode: 'runpod_streaming' }),
    };
    config = (llmMode === 'openai_realtime' ? realtime : pipeline) ?? {};
  }

  const backendURL = url('AICO_BACKEND_URL', 'http://localhost:3000');
  const backendKey = read('AICO_INTERNAL_API_KEY');
  const envFallback = flag('PROVIDER_ENV_FALLBACK', true);
  if (backendURL && !backendKey)
    missing('AICO_INTERNAL_API_KEY', 'AICO_BACKEND_URL is', "set the backend's internal key in AICO_INTERNAL_API_KEY");

  if (issues.length > 0) throw new ConfigError(issues, 'voiceStackConfigFromEnv()');
  const result: EnvVoiceStackConfig = { ...config };
  if (modes) Object.defineProperty(result, 'modes', { value: modes, enumerable: false });
  if (backendURL && backendKey) {
    const providerResolver: ProviderResolverOptions = { url: backendURL, apiKey: backendKey, envFallback, env };
    Object.defineProperty(result, 'providerResolver', { value: providerResolver, enumerable: false });
  }
  return result;
}

const withKey = (entry: Entry, key: string | undefined, field = 'apiKey'): Entry =>
  key === undefined ? entry : { ...entry, [field]: key };

interface EnvContext {
  read(name: string): string | undefined;
  url(name: string, example: string): string | undefined;
  inference(model: string): Entry;
  missing(name: string, because: string, fix: string): void;
  /**
   * The base URL of a local server from `<slot>_HOST` and `<slot>_PORT` (S1: Vosk for STT, Piper for TTS), when
   * either is set or `wanted` (its provider named in `<slot>_PROVIDER`).
   */
  local(slot: 'STT' | 'TTS', scheme: 'ws' | 'http', defaultPort: number, wanted: boolean): string | undefined;
  useInference: boolean;
  /** The key of OpenAI's cloud, when the plugins may use it. */
  openAIKey: string | undefined;
  /** `OPENAI_API_KEY` when it belongs to the self-hosted server of `OPENAI_BASE_URL`. */
  selfHostedKey: string | undefined;
  openAIBaseURL: string | undefined;
}

/** The LLM chain (see {@link voiceStackConfigFromEnv} for the order). */
function llmFromEnv(context: EnvContext): Entry[] {
  const { read, url } = context;
  const llm: Entry[] = [];
  if (context.useInference) llm.push(context.inference(read('INFERENCE_LLM_MODEL') ?? ENV_DEFAULTS.INFERENCE_LLM_MODEL));

  const runpodEndpoints = [
    url('RUNPOD_A100_ENDPOINT', 'https://api.runpod.ai/v2/<id>/openai/v1'),
    url('RUNPOD_A40_ENDPOINT', 'https://api.runpod.ai/v2/<id>/openai/v1'),
  ];
  const runpodModel = read('RUNPOD_LLM_MODEL');
  for (const baseURL of runpodEndpoints.filter(Boolean)) {
    if (!runpodModel) {
      context.missing('RUNPOD_LLM_MODEL', 'a RunPod endpoint is set', 'set RUNPOD_LLM_MODEL to the model the endpoint serves');
      break;
    }
    llm.push(withKey({ provider: 'openai-compatible', baseURL, model: runpodModel }, read('RUNPOD_API_KEY')));
  }

  const openRouterKey = read('OPENROUTER_API_KEY');
  const chain = read('LLM_MODEL')
    ?.split(',')
    .map((model) => model.trim())
    .filter(Boolean);
  if (chain?.length || openRouterKey) {
    const baseURL = url('OPENROUTER_BASE_URL', 'https://openrouter.ai/api/v1');
    const models = chain?.length ? chain : [ENV_DEFAULTS.OPENROUTER_MODEL];
    llm.push(withKey({ provider: 'openrouter', models, ...(baseURL && { baseURL }) }, openRouterKey));
  }

  const openAIModel = read('OPENAI_LLM_MODEL');
  if (context.openAIBaseURL) {
    llm.push(
      withKey(
        { provider: 'openai-compatible', baseURL: context.openAIBaseURL, model: openAIModel ?? ENV_DEFAULTS.SELF_HOSTED_LLM_MODEL },
        context.selfHostedKey,
      ),
    );
  } else if (context.openAIKey) {
    llm.push({ provider: 'openai', model: openAIModel ?? ENV_DEFAULTS.OPENAI_LLM_MODEL, apiKey: context.openAIKey });
  }

  const hosted = (provider: string, key: string | undefined, model: string | undefined) => {
    if (key) llm.push({ provider, apiKey: key, ...(model && { model }) });
  };
  hosted('groq', read('GROQ_API_KEY'), read('GROQ_MODEL'));
  hosted('gemini', read('GEMINI_API_KEY') ?? read('GOOGLE_API_KEY'), read('GEMINI_MODEL'));
  hosted('anthropic', read('ANTHROPIC_API_KEY'), read('ANTHROPIC_MODEL'));
  const azureKey = read('AZURE_OPENAI_API_KEY');
  if (azureKey) {
    const endpoint = url('AZURE_OPENAI_ENDPOINT', 'https://my-resource.openai.azure.com');
    const deployment = read('AZURE_OPENAI_DEPLOYMENT');
    if (!endpoint)
      context.missing(
        'AZURE_OPENAI_ENDPOINT',
        'AZURE_OPENAI_API_KEY is',
        'set your resource URL, e.g. https://my-resource.openai.azure.com',
      );
    if (!deployment) context.missing('AZURE_OPENAI_DEPLOYMENT', 'AZURE_OPENAI_API_KEY is', 'set the name of your model deployment');
    if (endpoint && deployment) llm.push({ provider: 'azure-openai', endpoint, deployment, apiKey: azureKey });
  }

  const localURL = url('LOCAL_LLM_BASE_URL', 'http://localhost:8080/v1');
  if (localURL)
    llm.push({
      provider: 'llama-cpp',
      baseURL: localURL,
      model: read('LOCAL_LLM_MODEL') ?? ENV_DEFAULTS.LOCAL_LLM_MODEL,
      lastResort: true,
    });
  return llm;
}

/** The providers `STT_PROVIDER` can move to the front of the STT chain. */
const STT_PROVIDERS = ['deepgram', 'whisper', 'openai', 'inference', 'vosk'] as const;

/** The providers `TTS_PROVIDER` can move to the front of the TTS chain. */
const TTS_PROVIDERS = ['cartesia', 'elevenlabs', 'openai-compatible', 'openai', 'inference', 'piper'] as const;

/**
 * The STT chain, in this order: LiveKit Inference (`USE_LIVEKIT_INFERENCE`, model `INFERENCE_STT_MODEL`), Deepgram
 * (`DEEPGRAM_API_KEY`), Whisper (`WHISPER_ENDPOINT`, `WHISPER_MODEL`), a self-hosted server (`STT_BASE_URL`, model
 * `OPENAI_STT_MODEL`), OpenAI (`OPENAI_API_KEY` of OpenAI's cloud), a local Vosk (`STT_HOST`, `STT_PORT`).
 * `STT_PROVIDER` moves its provider to the front (`vosk` adds Vosk at `localhost:2700` when no host is set);
 * `STT_LANGUAGE` sets every entry's language.
 */
function sttFromEnv(context: EnvContext, first: (typeof STT_PROVIDERS)[number] | undefined): Entry[] {
  const { read, url } = context;
  const language = read('STT_LANGUAGE');
  const openAIModel = read('OPENAI_STT_MODEL');
  const stt: { name: string; entry: Entry }[] = [];
  if (context.useInference)
    stt.push({ name: 'inference', entry: context.inference(read('INFERENCE_STT_MODEL') ?? ENV_DEFAULTS.INFERENCE_STT_MODEL) });
  const deepgramKey = read('DEEPGRAM_API_KEY');
  if (deepgramKey) stt.push({ name: 'deepgram', entry: { provider: 'deepgram', apiKey: deepgramKey } });
  const whisper = url('WHISPER_ENDPOINT', 'http://whisper:8000/v1');
  if (whisper)
    stt.push({
      name: 'whisper',
      entry: { provider: 'openai-compatible', baseURL: whisper, model: read('WHISPER_MODEL') ?? ENV_DEFAULTS.WHISPER_MODEL },
    });
  const selfHosted = url('STT_BASE_URL', 'http://localhost:8000/v1');
  if (selfHosted) {
    const entry = { provider: 'openai-compatible', baseURL: selfHosted, model: openAIModel ?? ENV_DEFAULTS.SELF_HOSTED_STT_MODEL };
    stt.push({ name: 'whisper', entry: withKey(entry, context.selfHostedKey) });
  }
  if (context.openAIKey && !context.openAIBaseURL)
    stt.push({
      name: 'openai',
      entry: { provider: 'openai', model: openAIModel ?? ENV_DEFAULTS.OPENAI_STT_MODEL, apiKey: context.openAIKey },
    });
  const vosk = context.local('STT', 'ws', 2700, first === 'vosk');
  if (vosk) stt.push({ name: 'vosk', entry: { provider: 'vosk', baseURL: vosk } });
  if (first && !stt.some(({ name }) => name === first))
    context.missing(
      `STT_PROVIDER`,
      `its provider "${first}" has no settings`,
      `set the variables of ${first} (docs/configuration.md), or unset STT_PROVIDER`,
    );
  const ordered = first ? [...stt.filter(({ name }) => name === first), ...stt.filter(({ name }) => name !== first)] : stt;
  return ordered.map(({ entry }) => (language ? { ...entry, language } : entry));
}

/**
 * The TTS chain, in this order: LiveKit Inference (`USE_LIVEKIT_INFERENCE`, model `INFERENCE_TTS_MODEL`), Cartesia
 * (`CARTESIA_API_KEY`), ElevenLabs (`ELEVEN_API_KEY`, else `ELEVENLABS_API_KEY`; `ELEVENLABS_VOICE_ID`,
 * `ELEVENLABS_MODEL`), a self-hosted server (`TTS_BASE_URL`, model `OPENAI_TTS_MODEL`, voice `OPENAI_TTS_VOICE`),
 * OpenAI (`OPENAI_API_KEY` of OpenAI's cloud), a local Piper (`TTS_HOST`, `TTS_PORT`). `TTS_PROVIDER` moves one
 * provider to the front (`piper` adds Piper at `localhost:5000` when no host is set); `TTS_LANGUAGE` sets every
 * entry's language.
 */
function ttsFromEnv(context: EnvContext, first: (typeof TTS_PROVIDERS)[number] | undefined): Entry[] {
  const { read } = context;
  const language = read('TTS_LANGUAGE');
  const openAIModel = read('OPENAI_TTS_MODEL');
  const openAIVoice = read('OPENAI_TTS_VOICE');
  const tts: { name: string; entry: Entry }[] = [];
  if (context.useInference)
    tts.push({ name: 'inference', entry: context.inference(read('INFERENCE_TTS_MODEL') ?? ENV_DEFAULTS.INFERENCE_TTS_MODEL) });
  const cartesiaKey = read('CARTESIA_API_KEY');
  if (cartesiaKey) tts.push({ name: 'cartesia', entry: { provider: 'cartesia', apiKey: cartesiaKey } });
  // LiveKit's plugin reads ELEVEN_API_KEY; several teams spell it ELEVENLABS_API_KEY. LiveKit's spelling wins when both are set.
  const elevenKey = read('ELEVEN_API_KEY') ?? read('ELEVENLABS_API_KEY');
  if (elevenKey) {
    const voice = read('ELEVENLABS_VOICE_ID');
    const model = read('ELEVENLABS_MODEL');
    tts.push({
      name: 'elevenlabs',
      entry: { provider: 'elevenlabs', apiKey: elevenKey, ...(voice && { voice }), ...(model && { model }) },
    });
  }
  const selfHosted = context.url('TTS_BASE_URL', 'http://localhost:8880/v1');
  if (selfHosted) {
    const entry = {
      provider: 'openai-compatible',
      baseURL: selfHosted,
      model: openAIModel ?? ENV_DEFAULTS.SELF_HOSTED_TTS_MODEL,
      voice: openAIVoice ?? ENV_DEFAULTS.SELF_HOSTED_TTS_VOICE,
    };
    tts.push({ name: 'openai-compatible', entry: withKey(entry, context.selfHostedKey) });
  }
  if (context.openAIKey && !context.openAIBaseURL)
    tts.push({
      name: 'openai',
      entry: {
        provider: 'openai',
        model: openAIModel ?? ENV_DEFAULTS.OPENAI_TTS_MODEL,
        voice: openAIVoice ?? ENV_DEFAULTS.OPENAI_TTS_VOICE,
        apiKey: context.openAIKey,
      },
    });
  const piper = context.local('TTS', 'http', 5000, first === 'piper');
  if (piper) tts.push({ name: 'piper', entry: { provider: 'piper', baseURL: piper } });
  if (first && !tts.some(({ name }) => name === first))
    context.missing(
      'TTS_PROVIDER',
      `its provider "${first}" has no settings`,
      `set the variables of ${first} (docs/configuration.md), or unset TTS_PROVIDER`,
    );
  const ordered = first ? [...tts.filter(({ name }) => name === first), ...tts.filter(({ name }) => name !== first)] : tts;
  return ordered.map(({ entry }) => (language ? { ...entry, language } : entry));
}

import { ENV_DEFAULTS } from './env-defaults.js';
import { type EnvContext, type Entry, withKey } from './env-reader.js';

/** The providers `STT_PROVIDER` can move to the front of the STT chain. */
export const STT_PROVIDERS = ['deepgram', 'whisper', 'openai', 'inference', 'vosk'] as const;

/**
 * The STT chain, in this order: LiveKit Inference (`USE_LIVEKIT_INFERENCE`, model `INFERENCE_STT_MODEL`), Deepgram
 * (`DEEPGRAM_API_KEY`), Whisper (`WHISPER_ENDPOINT`, `WHISPER_MODEL`), a self-hosted server (`STT_BASE_URL`, model
 * `OPENAI_STT_MODEL`), OpenAI (`OPENAI_API_KEY` of OpenAI's cloud), a local Vosk (`STT_HOST`, `STT_PORT`).
 * `STT_PROVIDER` moves its provider to the front (`vosk` adds Vosk at `localhost:2700` when no host is set);
 * `STT_LANGUAGE` sets every entry's language.
 */
export function sttFromEnv(context: EnvContext, first: (typeof STT_PROVIDERS)[number] | undefined): Entry[] {
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

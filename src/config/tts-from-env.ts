import { ENV_DEFAULTS } from './env-defaults.js';
import { type EnvContext, type Entry, withKey } from './env-reader.js';

/** The providers `TTS_PROVIDER` can move to the front of the TTS chain. */
export const TTS_PROVIDERS = ['cartesia', 'elevenlabs', 'openai-compatible', 'openai', 'inference', 'piper'] as const;

/**
 * The TTS chain, in this order: LiveKit Inference (`USE_LIVEKIT_INFERENCE`, model `INFERENCE_TTS_MODEL`), Cartesia
 * (`CARTESIA_API_KEY`), ElevenLabs (`ELEVEN_API_KEY`, else `ELEVENLABS_API_KEY`; `ELEVENLABS_VOICE_ID`,
 * `ELEVENLABS_MODEL`), a self-hosted server (`TTS_BASE_URL`, model `OPENAI_TTS_MODEL`, voice `OPENAI_TTS_VOICE`),
 * OpenAI (`OPENAI_API_KEY` of OpenAI's cloud), a local Piper (`TTS_HOST`, `TTS_PORT`). `TTS_PROVIDER` moves one
 * provider to the front (`piper` adds Piper at `localhost:5000` when no host is set); `TTS_LANGUAGE` sets every
 * entry's language.
 */
export function ttsFromEnv(context: EnvContext, first: (typeof TTS_PROVIDERS)[number] | undefined): Entry[] {
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

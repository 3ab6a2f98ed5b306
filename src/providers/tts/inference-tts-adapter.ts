import { inference } from '@livekit/agents';
import { ttsOptionSchemas } from '../../config/tts-config.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';
import { inferenceToken } from '../llm/inference-llm-adapter.js';
import { probeWebSocket } from '../probe-websocket.js';
import { baseLanguage, cartesiaVoiceFor } from './default-voices.js';

/** `{ provider: 'inference' }`: LiveKit Inference TTS over its WebSocket, signed with a token from the LiveKit key and secret. */
export const inferenceTTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'inference',
  options: ttsOptionSchemas.inference,
  model: (options) => inference.parseTTSModelString(options.model)[0],
  create: (options, context) => {
    const { env, path } = context;
    const apiKey = options.apiKey ?? env.LIVEKIT_INFERENCE_API_KEY ?? env.LIVEKIT_API_KEY;
    const apiSecret = options.apiSecret ?? env.LIVEKIT_INFERENCE_API_SECRET ?? env.LIVEKIT_API_SECRET;
    if (!apiKey) throw new MissingAPIKeyError(`${path} (inference)`, 'apiKey', 'LIVEKIT_API_KEY');
    if (!apiSecret) throw new MissingAPIKeyError(`${path} (inference)`, 'apiSecret', 'LIVEKIT_API_SECRET');
    const [model, voiceInModel] = inference.parseTTSModelString(options.model);
    const baseURL = options.baseURL ?? env.LIVEKIT_INFERENCE_URL;
    const voice = options.voice ?? voiceInModel ?? defaultVoice(model, options.language);
    return new inference.TTS({
      model,
      apiKey,
      apiSecret,
      ...(voice && { voice }),
      ...(options.language && { language: options.language }),
      ...(baseURL && { baseURL }),
      ...(options.sampleRate && { sampleRate: options.sampleRate }),
      ...(options.modelOptions && { modelOptions: options.modelOptions }),
      ...(options.fallback && {
        fallback: options.fallback.map((entry) =>
          typeof entry === 'string' ? entry : { model: entry.model, voice: entry.voice, ...(entry.extra && { extraKwargs: entry.extra }) },
        ),
      }),
    });
  },
  // Opens the gateway's TTS WebSocket with a signed token, then closes it before `session.create`: proves key, secret
  // and reachability, bills nothing (like the Inference STT probe).
  health: (options, context) => {
    const { env } = context;
    const apiKey = options.apiKey ?? env.LIVEKIT_INFERENCE_API_KEY ?? env.LIVEKIT_API_KEY;
    const apiSecret = options.apiSecret ?? env.LIVEKIT_INFERENCE_API_SECRET ?? env.LIVEKIT_API_SECRET;
    if (!apiKey || !apiSecret) return Promise.resolve({ ok: false, error: 'no LiveKit API key or secret (set LIVEKIT_API_KEY and LIVEKIT_API_SECRET)' });
    const base = (options.baseURL ?? env.LIVEKIT_INFERENCE_URL ?? DEFAULT_INFERENCE_URL).replace(/^http/, 'ws').replace(/\/+$/, '');
    const [model] = inference.parseTTSModelString(options.model);
    return probeWebSocket(`${base}/tts?model=${encodeURIComponent(model)}`, { authorization: `Bearer ${inferenceToken(apiKey, apiSecret)}` }, context);
  },
});

const DEFAULT_INFERENCE_URL = 'https://agent-gateway.livekit.cloud/v1';

/** A native voice for Cartesia models in a non-English language; other providers keep the gateway's default. */
function defaultVoice(model: string, language: string | undefined): string | undefined {
  if (!language || baseLanguage(language) === 'en' || !model.startsWith('cartesia/')) return undefined;
  return cartesiaVoiceFor(language);
}

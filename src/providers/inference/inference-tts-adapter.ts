import { inference } from '@livekit/agents';
import { inferenceTTSOptions } from './inference-tts-options.js';
import { defineAdapter } from '../define-adapter.js';
import { probeInference, requireInferenceCredentials } from './inference-credentials.js';
import { observePooledSockets } from '../livekit-internals.js';
import { probeWebSocket } from '../probe-websocket.js';
import { baseLanguage, cartesiaVoiceFor } from '../cartesia/cartesia-voices.js';

/** `{ provider: 'inference' }`: LiveKit Inference TTS over its WebSocket, signed with a token from the LiveKit key and secret. */
export const inferenceTTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'inference',
  options: inferenceTTSOptions,
  model: (options) => inference.parseTTSModelString(options.model)[0],
  create: (options, context) => {
    const { apiKey, apiSecret, baseURL } = requireInferenceCredentials(options, context);
    const [model, voiceInModel] = inference.parseTTSModelString(options.model);
    const voice = options.voice ?? voiceInModel ?? defaultVoice(model, options.language);
    const tts = new inference.TTS({
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
    // The plugin (1.9) turns the gateway's `error` event into an APIError of its message alone (its schema drops the
    // event's `code`, the status the STT events carry too): the chain reads it from the socket.
    observePooledSockets(tts, (message) => {
      if (message.type !== 'error') return;
      const code = typeof message.code === 'number' && message.code >= 400 && message.code <= 599 ? message.code : undefined;
      const text = typeof message.message === 'string' ? message.message : undefined;
      context.reportError?.({ status: code, message: text });
    });
    return tts;
  },
  // Opens the gateway's TTS WebSocket with a signed token, then closes it before `session.create`: proves key, secret
  // and reachability, bills nothing (like the Inference STT probe).
  health: (options, context) => {
    const [model] = inference.parseTTSModelString(options.model);
    return probeInference(
      options,
      context,
      `/tts?model=${encodeURIComponent(model)}`,
      (url, authorization) => probeWebSocket(url, { authorization }, context),
      {
        websocket: true,
      },
    );
  },
});

/** A native voice for Cartesia models in a non-English language; other providers keep the gateway's default. */
function defaultVoice(model: string, language: string | undefined): string | undefined {
  if (!language || baseLanguage(language) === 'en' || !model.startsWith('cartesia/')) return undefined;
  return cartesiaVoiceFor(language);
}

import { cartesiaTTSOptions } from './cartesia-tts-options.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';
import { loadCartesiaPlugin } from '../load-plugin.js';
import { observePooledSockets } from '../livekit-internals.js';
import { probeHTTP } from '../probe-http.js';
import { CARTESIA_DEFAULT_VOICES, cartesiaVoiceFor } from './cartesia-voices.js';

/** `{ provider: 'cartesia' }`: Cartesia through its LiveKit plugin (streaming over a pooled WebSocket). */
export const cartesiaTTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'cartesia',
  options: cartesiaTTSOptions,
  model: (options) => options.model,
  create: async (options, context) => {
    const where = `${context.path} (cartesia)`;
    // The plugin snapshots CARTESIA_API_KEY when it is imported: always pass the key read now.
    const apiKey = options.apiKey ?? context.env.CARTESIA_API_KEY;
    if (!apiKey) throw new MissingAPIKeyError(where, 'apiKey', 'CARTESIA_API_KEY');
    let voice = options.voice ?? cartesiaVoiceFor(options.language);
    if (!voice) {
      voice = CARTESIA_DEFAULT_VOICES.en!;
      context.logger.warn(
        `${where}: no default Cartesia voice for language "${options.language}", using the English default voice (it speaks with an English accent). Set \`voice\` to a native voice of that language.`,
      );
    }
    const cartesia = await loadCartesiaPlugin(where);
    // The plugin spreads its options over its defaults: an explicit `undefined` would erase a default (e.g. baseUrl).
    const tts = new cartesia.TTS({
      apiKey,
      model: options.model,
      voice,
      language: options.language,
      sampleRate: options.sampleRate,
      ...(options.speed !== undefined && { speed: options.speed }),
      ...(options.volume !== undefined && { volume: options.volume }),
      ...(options.baseURL && { baseUrl: options.baseURL.replace(/\/+$/, '') }),
    });
    // The plugin (1.9) logs a 4xx error message (429 `concurrency_limited`, `done: true`) at debug level and ends the
    // synthesis as if it were done: 0 frames, no error. The chain learns the status from the socket instead.
    observePooledSockets(tts, (message) => {
      const status = message.status_code;
      if (typeof status !== 'number' || status < 400) return;
      context.reportError?.({ status, code: str(message.error_code), message: str(message.message) ?? str(message.error) });
    });
    return tts;
  },
  // Looks the voice up with the key (`GET /voices/{id}`): proves the key and the voice, bills nothing.
  health: (options, context) => {
    const apiKey = options.apiKey ?? context.env.CARTESIA_API_KEY;
    if (!apiKey) return Promise.resolve({ ok: false, error: 'no Cartesia API key (set CARTESIA_API_KEY)' });
    const voice = options.voice ?? cartesiaVoiceFor(options.language) ?? CARTESIA_DEFAULT_VOICES.en!;
    const base = (options.baseURL ?? 'https://api.cartesia.ai').replace(/\/+$/, '');
    // The API version the plugin speaks (its tts.ts); the header is required.
    const headers = { 'x-api-key': apiKey, 'cartesia-version': '2025-04-16' };
    return probeHTTP(`${base}/voices/${encodeURIComponent(voice)}`, { headers }, context);
  },
});

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

import { elevenLabsTTSOptions } from './elevenlabs-tts-options.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';
import { loadElevenLabsPlugin } from '../load-plugin.js';
import { observeOpenedSockets } from '../opened-socket-observer.js';
import { probeHTTP } from '../probe-http.js';

/** The plugin's defaults (not exported by it). */
const DEFAULT_VOICE = 'bIHbv24MWmeRgasZH58o';
const DEFAULT_BASE_URL = 'https://api.elevenlabs.io/v1';

/** `{ provider: 'elevenlabs' }`: ElevenLabs through its LiveKit plugin (multi-stream WebSocket; `synthesize()` over HTTP). */
export const elevenLabsTTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'elevenlabs',
  options: elevenLabsTTSOptions,
  model: (options) => options.model,
  create: async (options, context) => {
    const where = `${context.path} (elevenlabs)`;
    const apiKey = options.apiKey ?? context.env.ELEVEN_API_KEY;
    if (!apiKey) throw new MissingAPIKeyError(where, 'apiKey', 'ELEVEN_API_KEY');
    const elevenlabs = await loadElevenLabsPlugin(where);
    const settings = options.voiceSettings;
    const tts = new elevenlabs.TTS({
      apiKey,
      model: options.model,
      encoding: `pcm_${options.sampleRate}` as 'pcm_22050',
      ...(options.voice && { voiceId: options.voice }),
      ...(options.language && { language: options.language }),
      ...(options.baseURL && { baseURL: options.baseURL.replace(/\/+$/, '') }),
      ...(settings && {
        // The plugin drops undefined fields, so unset settings keep the voice's own values.
        voiceSettings: {
          stability: settings.stability,
          similarity_boost: settings.similarityBoost,
          style: settings.style,
          speed: settings.speed,
          use_speaker_boost: settings.useSpeakerBoost,
        } as { stability: number; similarity_boost: number },
      }),
    });
    // The plugin (1.9) keeps only the close code of an error message followed by a 1008 close (`quota_exceeded`,
    // `max_active_conversations`, a transient failure alike), and replaces a refused handshake by "could not connect
    // to ElevenLabs" without its status: the chain reads both from the socket.
    observeOpenedSockets(tts, 'currentConnection', {
      onMessage: (message) => {
        if (typeof message.error !== 'string' || !message.error) return;
        context.reportError?.({ code: message.error, message: typeof message.message === 'string' ? message.message : undefined });
      },
      onRefused: (status) => context.reportError?.({ status }),
    });
    return tts;
  },
  // Looks the voice up with the key (`GET /v1/voices/{voice_id}`): proves the key and the voice, bills nothing.
  health: (options, context) => {
    const apiKey = options.apiKey ?? context.env.ELEVEN_API_KEY;
    if (!apiKey) return Promise.resolve({ ok: false, error: 'no ElevenLabs API key (set ELEVEN_API_KEY)' });
    const base = (options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    return probeHTTP(
      `${base}/voices/${encodeURIComponent(options.voice ?? DEFAULT_VOICE)}`,
      { headers: { 'xi-api-key': apiKey } },
      context,
    );
  },
});

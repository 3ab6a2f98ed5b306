import { defineAdapter } from '../define-adapter.js';
import { providerMessage } from '../probe-http.js';
import { PiperTTS, synthesizeWithPiper } from './piper-tts.js';
import { piperTTSOptions } from './piper-tts-options.js';

/** `{ provider: 'piper' }`: Piper's local HTTP server (`python3 -m piper.http_server`), no key, no cloud. */
export const piperTTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'piper',
  options: piperTTSOptions,
  model: (options) => options.voice ?? 'default',
  // Through `context.fetch`, so the chain sees the server's status (a 503 while a voice loads) like any provider's.
  create: (options, context) => new PiperTTS(options, context.fetch),
  /**
   * A one-word synthesis (local, nothing billed) proves the server and that it answers a WAV. A server of piper-tts
   * 1.3 and later speaks an unknown voice with its default one (it only logs a warning), so a configured voice is
   * also looked up in the server's `GET /voices`.
   */
  health: async (options, context) => {
    const signal = context.signal ?? new AbortController().signal;
    try {
      await synthesizeWithPiper(options, 'ok', context.fetch, signal);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    if (options.voice === undefined || options.api === 'text') return { ok: true };
    const base = options.baseURL.replace(/\/+$/, '');
    try {
      const response = await context.fetch(`${base}/voices`, { signal });
      if (!response.ok)
        return { ok: false, error: `HTTP ${response.status} from ${base}/voices: ${providerMessage(await response.text())}` };
      const voices = Object.keys((await response.json()) as Record<string, unknown>);
      if (voices.includes(options.voice)) return { ok: true };
      return {
        ok: false,
        error: `no voice "${options.voice}" on the server (it has ${voices.join(', ') || 'none'}): it would speak with its default. Fix: python3 -m piper.download_voices ${options.voice}`,
      };
    } catch (error) {
      return { ok: false, error: `could not list the server's voices: ${(error as Error).message}` };
    }
  },
});

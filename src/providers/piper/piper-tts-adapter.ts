import { z } from 'zod';
import { defineAdapter } from '../define-adapter.js';
import { providerMessage } from '../probe-http.js';
import { readText } from '../../config/read-text.js';
import { ERROR_BODY_BYTES, PiperTTS, synthesizeWithPiper } from './piper-tts.js';
import { piperTTSOptions } from './piper-tts-options.js';

/** `GET /voices` answers each voice's config (a few KB each): this is room for hundreds of voices. */
const MAX_VOICES_BYTES = 4 * 1024 * 1024;
const voiceList = z.record(z.string(), z.unknown());

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

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
        return {
          ok: false,
          error: `HTTP ${response.status} from ${base}/voices: ${providerMessage(await readText(response, ERROR_BODY_BYTES))}`,
        };
      const listed = voiceList.safeParse(parseJSON(await readText(response, MAX_VOICES_BYTES)));
      if (!listed.success) return { ok: false, error: `could not list the server's voices: ${base}/voices is not a JSON object of voices` };
      const voices = Object.keys(listed.data);
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

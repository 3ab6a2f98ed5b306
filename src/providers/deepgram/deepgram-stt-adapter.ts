import { deepgramSTTOptions } from './deepgram-stt-options.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';
import { loadDeepgramPlugin } from '../load-plugin.js';
import { probeWebSocket } from '../probe-websocket.js';

/** `{ provider: 'deepgram' }`: Deepgram live streaming STT through the Deepgram plugin. */
export const deepgramSTTAdapter = defineAdapter({
  modality: 'stt',
  provider: 'deepgram',
  options: deepgramSTTOptions,
  model: (options) => options.model,
  create: async (options, context) => {
    // Always passed explicitly: the plugin snapshots DEEPGRAM_API_KEY when it is imported, not when constructed.
    const apiKey = options.apiKey ?? context.env.DEEPGRAM_API_KEY;
    if (!apiKey) throw new MissingAPIKeyError(`${context.path} (deepgram)`, 'apiKey', 'DEEPGRAM_API_KEY');
    const deepgram = await loadDeepgramPlugin(`${context.path} (deepgram)`);
    return new deepgram.STT({
      apiKey,
      model: options.model,
      language: options.language,
      // The plugin streams over `ws(s)://` and derives the `http(s)://` URL of prerecorded requests from it.
      ...(options.baseURL && { baseUrl: options.baseURL.replace(/^http/, 'ws').replace(/\/+$/, '') }),
      ...(options.endpointingMs !== undefined && { endpointing: options.endpointingMs }),
      ...(options.keyterms && { keyterm: options.keyterms }),
      ...(options.interimResults !== undefined && { interimResults: options.interimResults }),
    });
  },
  // Opens the live WebSocket with the model and language, then closes it: proves the key and the options, bills nothing.
  health: (options, context) => {
    const apiKey = options.apiKey ?? context.env.DEEPGRAM_API_KEY;
    if (!apiKey) return Promise.resolve({ ok: false, error: 'no Deepgram API key (set DEEPGRAM_API_KEY)' });
    const base = (options.baseURL ?? 'wss://api.deepgram.com').replace(/^http/, 'ws').replace(/\/+$/, '');
    const query = new URLSearchParams({ model: options.model, language: options.language, encoding: 'linear16', sample_rate: '16000' });
    return probeWebSocket(`${base}/v1/listen?${query}`, { authorization: `Token ${apiKey}` }, context);
  },
});

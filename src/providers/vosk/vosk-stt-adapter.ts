import { defineAdapter } from '../define-adapter.js';
import { voskSTTOptions } from './vosk-stt-options.js';
import { transcribeWithVosk, VoskSTT } from './vosk-stt.js';

/** `{ provider: 'vosk' }`: vosk-server's WebSocket (offline recognition), no key, no cloud. */
export const voskSTTAdapter = defineAdapter({
  modality: 'stt',
  provider: 'vosk',
  options: voskSTTOptions,
  model: (options) => options.model,
  create: (options) => new VoskSTT(options),
  /**
   * Recognises an empty stream: the config (for the Python server), then at once the end of the stream, which a
   * vosk-server answers with an empty result. That proves a recognizer (a model) is loaded at this rate, not just
   * that a port is open, and tells the C++ server apart when `server` says otherwise.
   */
  health: async (options, context) => {
    try {
      await transcribeWithVosk(options, [], context.signal);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  },
});

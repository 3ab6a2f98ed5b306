import { defineAdapter } from '../define-adapter.js';
import { voskSTTOptions } from './vosk-stt-options.js';
import { openVosk, VOSK_EOF, VoskSTT } from './vosk-stt.js';

/** `{ provider: 'vosk' }`: vosk-server's WebSocket (offline recognition), no key, no cloud. */
export const voskSTTAdapter = defineAdapter({
  modality: 'stt',
  provider: 'vosk',
  options: voskSTTOptions,
  model: (options) => options.model,
  create: (options) => new VoskSTT(options),
  /**
   * Opens the WebSocket, sends the config and at once the end of the stream: a vosk-server answers with an empty result
   * and closes. That proves a recognizer (a model) is loaded at this rate, not just that a port is open.
   */
  health: async (options, context) => {
    let socket: Awaited<ReturnType<typeof openVosk>>;
    try {
      socket = await openVosk(options, options.sampleRate, context.signal);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    return new Promise((resolve) => {
      const done = (result: { ok: boolean; error?: string }) => {
        context.signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        resolve(result);
      };
      const onAbort = () => done({ ok: false, error: 'timed out waiting for the final result' });
      context.signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('message', (data) => {
        try {
          const answer = JSON.parse(String(data)) as { text?: unknown };
          done(typeof answer.text === 'string' ? { ok: true } : { ok: false, error: `unexpected answer ${String(data).slice(0, 80)}` });
        } catch {
          done({ ok: false, error: `not a vosk-server: it answered ${String(data).slice(0, 80)}` });
        }
      });
      socket.once('close', (code) => done({ ok: false, error: `the server closed the connection (${code}) without a result` }));
      socket.send(VOSK_EOF);
    });
  },
});

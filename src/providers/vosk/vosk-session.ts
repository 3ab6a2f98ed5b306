import { APIConnectionError, APIStatusError, APITimeoutError } from '@livekit/agents';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { parseVoskFrame, type VoskFrame } from './vosk-frame.js';
import type { voskSTTOptions } from './vosk-stt-options.js';

type VoskOptions = z.output<typeof voskSTTOptions>;

/** vosk-server compares the end-of-stream message as a string (`asr_server.py`, `asr_server.cpp`): this exact spelling. */
export const VOSK_EOF = '{"eof" : 1}';
/** Also compared as a string, by the Python server only (the C++ server takes it for audio, as it does the config). */
const VOSK_RESET = '{"reset" : 1}';

/**
 * The largest frame read from the server: a larger one is refused (1009) before it is held in memory. A result takes
 * about 100 bytes per word with timings (Kaldi's layout), so 256 KiB is some 2,500 words in one utterance, where
 * Vosk's endpointer cuts at every pause; and a frame this size is parsed within a few tens of ms.
 */
export const MAX_FRAME_BYTES = 256 * 1024;

/** An open vosk-server connection. Each message sent is answered by one frame, in order. */
export interface VoskSession {
  /** Sends PCM16 audio as one message (keep it well under the Python server's 1 MiB). */
  sendAudio(pcm: Buffer): void;
  /** Sends the end of the stream; {@link VoskSession.done} resolves once its answer (the last result) is in. */
  end(): void;
  /**
   * Resolves when the answer to {@link VoskSession.end} arrived (the client closes then: the C++ server would wait).
   * Rejects when the connection fails or closes before, or a frame is not a vosk-server result.
   */
  readonly done: Promise<void>;
  /** The session has failed (`done` rejected): stop sending. */
  readonly failed: boolean;
  /** Closes the connection now (safe to call twice, and after the end). */
  close(): void;
}

/**
 * Opens vosk-server's WebSocket for one recognition and follows it. With the Python server (`websocket/asr_server.py`,
 * the default `server`) it sends the `config` message (the rate, word timings on, no alternatives, so the result
 * format does not depend on how the server was started; the phrase list) and `{"reset" : 1}`, which that server
 * answers with an empty result: the C++ server (`websocket-cpp/asr_server.cpp`) reads both as audio and answers a
 * partial, so it is told apart before its answers are trusted. With `server: "cpp"` nothing but audio and the end.
 *
 * The session counts the messages it sent and the frames that answered them: the answer to the end message ends
 * it, whoever closes. A close before that (1009: a message over the server's limit; 1011: the server raised) is an
 * error, never an empty transcript. A refused handshake is an `APIStatusError` with the status, a refused
 * connection or a timeout an `APIConnectionError`/`APITimeoutError` that names the server and the fix.
 */
export async function connectVosk(
  options: VoskOptions,
  sampleRate: number,
  onFrame: (frame: VoskFrame) => void,
  signal?: AbortSignal,
): Promise<VoskSession> {
  const url = options.baseURL.replace(/^http/, 'ws');
  const socket = await openSocket(url, options.timeoutMs, signal);
  const python = options.server === 'python';
  let sent = 0;
  let answered = 0;
  let ending = false;
  let settled = false;
  let failed = false;
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((onDone, onError) => {
    resolve = onDone;
    reject = onError;
  });
  done.catch(() => undefined); // the owner may stop listening once it failed
  /** Ends the session once: detaches, closes the socket (the C++ server waits for it) and settles `done`. */
  const finish = (error?: Error) => {
    if (settled) return;
    settled = true;
    failed = error !== undefined;
    socket.removeAllListeners();
    socket.on('error', () => undefined);
    signal?.removeEventListener('abort', onAbort);
    if (socket.readyState === socket.OPEN) socket.close(1000);
    if (error) reject(error);
    else resolve();
  };
  const fail = (reason: string, retryable = true) =>
    finish(new APIConnectionError({ message: `Failed to recognise with Vosk at ${url}: ${reason}`, options: { retryable } }));
  const onAbort = () => fail('aborted', false);
  signal?.addEventListener('abort', onAbort, { once: true });

  socket.on('message', (data, isBinary) => {
    if (isBinary) return fail('it sent a binary frame (vosk-server answers text)', false);
    const frame = parseVoskFrame(String(data));
    if (frame instanceof Error) return fail(frame.message, false);
    answered += 1;
    if (python && answered === 1) {
      // the answer to the reset: a result from the Python server, a partial from the C++ server
      if (frame.kind === 'partial') {
        return fail(
          `the server is vosk-server's C++ build (websocket-cpp), which ignores the config message. Fix: set server "cpp" and sampleRate to the server's VOSK_SAMPLE_RATE (8000 in the alphacep/kaldi-beast-* images)`,
          false,
        );
      }
    } else {
      onFrame(frame);
    }
    if (ending && answered >= sent) finish();
  });
  socket.once('error', (error: Error & { code?: string }) => {
    // ws refuses a frame over maxPayload, then closes with 1009
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      return fail(`it sent a frame over ${MAX_FRAME_BYTES} bytes (closed with 1009)`, false);
    fail(`the connection failed: ${error.message}`);
  });
  socket.once('close', (code, reason) => {
    const why = reason.toString().slice(0, 120);
    const what = `the server closed the connection (${code}${why ? `: ${why}` : ''})`;
    const hint = code === 1009 ? ': a message was over its size limit' : '';
    fail(`${what} before ${ending ? 'its last result' : 'the end of the audio'}${hint}`);
  });

  const send = (data: string | Buffer) => {
    if (settled || socket.readyState !== socket.OPEN) return;
    sent += 1;
    socket.send(data);
  };
  if (python) {
    const config = { sample_rate: sampleRate, words: true, max_alternatives: 0, ...(options.phrases && { phrase_list: options.phrases }) };
    socket.send(JSON.stringify({ config }));
    send(VOSK_RESET);
  }
  return {
    sendAudio: send,
    end() {
      if (ending) return;
      ending = true;
      send(VOSK_EOF);
    },
    done,
    get failed() {
      return failed;
    },
    close: () => finish(),
  };
}

/** Opens the WebSocket (`http(s)` turned into `ws(s)`), or fails with what went wrong and the fix. */
async function openSocket(url: string, timeoutMs: number, signal?: AbortSignal): Promise<WebSocket> {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: MAX_FRAME_BYTES });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(error);
    };
    const onAbort = () =>
      fail(new APIConnectionError({ message: `Failed to connect to Vosk at ${url}: aborted`, options: { retryable: false } }));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('open', () => {
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      resolve();
    });
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      fail(
        new APIStatusError({
          message: `Failed to connect to Vosk at ${url}: the handshake was refused with HTTP ${response.statusCode}`,
          options: { statusCode: response.statusCode ?? -1, body: null },
        }),
      );
    });
    socket.once('error', (error: Error & { code?: string }) => {
      if (/handshake has timed out/i.test(error.message)) {
        return fail(new APITimeoutError({ message: `Failed to connect to Vosk at ${url}: no handshake within ${timeoutMs} ms` }));
      }
      const reason = error.code === 'ECONNREFUSED' ? 'connection refused' : error.code === 'ENOTFOUND' ? 'host not found' : error.message;
      fail(
        Object.assign(
          new APIConnectionError({
            message: `Failed to connect to Vosk at ${url}: ${reason}. Fix: start vosk-server (\`docker run -p 2700:2700 alphacep/kaldi-en\`) or set baseURL.`,
          }),
          { cause: error },
        ),
      );
    });
  });
  return socket;
}

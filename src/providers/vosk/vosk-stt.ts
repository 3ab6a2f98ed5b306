import {
  type APIConnectOptions,
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  AudioByteStream,
  mergeFrames,
  normalizeLanguage,
  stt,
} from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { voskSTTOptions } from './vosk-stt-options.js';

type VoskOptions = z.output<typeof voskSTTOptions>;
type AudioBuffer = Parameters<stt.STT['recognize']>[0];

/**
 * What vosk-server answers each message with: a partial result while an utterance goes on, a result (`text`, with
 * `result` word timings, or `alternatives` when the server is set up for them) when it ends or the stream does.
 */
interface VoskMessage {
  partial?: string;
  text?: string;
  result?: { word: string; start: number; end: number; conf: number }[];
  alternatives?: { text: string; confidence: number }[];
}

/** vosk-server compares the end-of-stream message as a string (`asr_server.py`, `asr_server.cpp`): this exact spelling. */
export const VOSK_EOF = '{"eof" : 1}';

/** Audio sent per message: vosk-server answers every message, so 100 ms chunks keep its answers to 10 a second. */
const CHUNK_MS = 100;

/**
 * Vosk as a LiveKit streaming STT, over vosk-server's WebSocket protocol: a `config` message with the sample rate
 * (and phrase list), binary PCM16 chunks, each answered with a partial (an interim transcript) or, at the end of an
 * utterance, a result (a final transcript, then end of speech), and `{"eof" : 1}` at the end of the input, answered
 * with the last result before the server closes. Failures are LiveKit `APIError`s, so the chain classifies them.
 */
export class VoskSTT extends stt.STT {
  readonly label = 'livekit-voice-stack.VoskSTT';
  readonly #options: VoskOptions;

  constructor(options: VoskOptions) {
    super({ streaming: true, interimResults: true, alignedTranscript: false });
    this.#options = options;
  }

  override get model(): string {
    return this.#options.model;
  }

  override get provider(): string {
    return 'vosk';
  }

  /** One connection for the whole buffer: the results of every utterance in it, joined. */
  protected async _recognize(buffer: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    const frame = mergeFrames(buffer);
    const socket = await openVosk(this.#options, frame.sampleRate, abortSignal);
    const texts: string[] = [];
    const session = listenToVosk(socket, (message) => {
      const text = resultText(message);
      if (text) texts.push(text);
    });
    socket.send(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength));
    session.end();
    await session.closed;
    return {
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      alternatives: [
        { language: normalizeLanguage(this.#options.language), text: texts.join(' '), startTime: 0, endTime: 0, confidence: 1 },
      ],
    };
  }

  stream(options?: { connOptions?: APIConnectOptions }): stt.SpeechStream {
    return new VoskSpeechStream(this, this.#options, options?.connOptions);
  }
}

class VoskSpeechStream extends stt.SpeechStream {
  readonly label = 'livekit-voice-stack.VoskSpeechStream';
  readonly #options: VoskOptions;
  #speaking = false;
  #lastPartial = '';
  #unreportedBytes = 0;

  constructor(owner: VoskSTT, options: VoskOptions, connOptions?: APIConnectOptions) {
    super(owner, options.sampleRate, connOptions);
    this.#options = options;
  }

  protected async run(): Promise<void> {
    const socket = await openVosk(this.#options, this.#options.sampleRate, this.abortSignal);
    const closeOnAbort = () => socket.close(1000);
    this.abortSignal.addEventListener('abort', closeOnAbort, { once: true });
    try {
      const session = listenToVosk(socket, (message) => this.#onMessage(message));
      // A socket that fails while the caller is silent ends the wait for audio at once.
      await Promise.all([this.#send(socket, session), session.closed]);
    } finally {
      this.abortSignal.removeEventListener('abort', closeOnAbort);
    }
  }

  /** Sends the audio in {@link CHUNK_MS} chunks until the input ends, then the end-of-stream message. */
  async #send(socket: WebSocket, session: VoskSession): Promise<void> {
    const rate = this.#options.sampleRate;
    const chunks = new AudioByteStream(rate, 1, Math.round((rate * CHUNK_MS) / 1000));
    const stopped = session.closed.then(
      () => 'stopped' as const,
      () => 'stopped' as const,
    );
    const send = (frames: AudioFrame[]) => {
      for (const frame of frames) {
        const pcm = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
        this.#unreportedBytes += pcm.length;
        socket.send(pcm);
      }
    };
    while (!this.abortSignal.aborted) {
      const next = await Promise.race([this.input.next(), stopped]);
      if (next === 'stopped' || this.abortSignal.aborted) return;
      if (next.done) break;
      send(next.value === VoskSpeechStream.FLUSH_SENTINEL ? chunks.flush() : chunks.write(next.value.data));
    }
    if (this.abortSignal.aborted || socket.readyState !== socket.OPEN) return;
    send(chunks.flush());
    session.end();
  }

  #onMessage(message: VoskMessage): void {
    if (typeof message.partial === 'string') {
      const text = message.partial.trim();
      if (!text || text === this.#lastPartial) return;
      this.#lastPartial = text;
      this.#startSpeech();
      this.#put({ type: stt.SpeechEventType.INTERIM_TRANSCRIPT, alternatives: [this.#speechData(text)] });
      return;
    }
    const text = resultText(message);
    if (text === undefined) return;
    this.#lastPartial = '';
    if (text) {
      this.#startSpeech();
      this.#put({ type: stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives: [this.#speechData(text, message.result)] });
    }
    if (this.#speaking) {
      this.#speaking = false;
      this.#put({ type: stt.SpeechEventType.END_OF_SPEECH });
    }
    if (this.#unreportedBytes > 0) {
      this.#put({
        type: stt.SpeechEventType.RECOGNITION_USAGE,
        recognitionUsage: { audioDuration: this.#unreportedBytes / 2 / this.#options.sampleRate },
      });
      this.#unreportedBytes = 0;
    }
  }

  #startSpeech(): void {
    if (this.#speaking) return;
    this.#speaking = true;
    this.#put({ type: stt.SpeechEventType.START_OF_SPEECH });
  }

  #speechData(text: string, words?: VoskMessage['result']): stt.SpeechData {
    const confidence = words?.length ? words.reduce((total, word) => total + word.conf, 0) / words.length : 1;
    return {
      language: normalizeLanguage(this.#options.language),
      text,
      startTime: this.startTimeOffset + (words?.[0]?.start ?? 0),
      endTime: this.startTimeOffset + (words?.at(-1)?.end ?? 0),
      confidence,
    };
  }

  #put(event: stt.SpeechEvent): void {
    if (!this.queue.closed) this.queue.put(event);
  }
}

/** The text of a result (`undefined` for a partial or an unknown message): the first alternative's, else `text`. */
function resultText(message: VoskMessage): string | undefined {
  const text = message.alternatives?.[0]?.text ?? message.text;
  return typeof text === 'string' ? text.trim() : undefined;
}

/**
 * Opens vosk-server's WebSocket and sends the `config` message. A refused handshake is an `APIStatusError` with the
 * status (a proxy in front of the server), a refused connection or a timeout an `APIConnectionError`/`APITimeoutError`
 * that names the server and the fix.
 */
export async function openVosk(options: VoskOptions, sampleRate: number, signal?: AbortSignal): Promise<WebSocket> {
  const { WebSocket } = await import('ws');
  const url = options.baseURL.replace(/^http/, 'ws');
  const socket = new WebSocket(url, { handshakeTimeout: options.timeoutMs });
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
        return fail(new APITimeoutError({ message: `Failed to connect to Vosk at ${url}: no handshake within ${options.timeoutMs} ms` }));
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
  socket.send(JSON.stringify({ config: { sample_rate: sampleRate, ...(options.phrases && { phrase_list: options.phrases }) } }));
  return socket;
}

/** An open vosk-server connection, as {@link listenToVosk} follows it. */
interface VoskSession {
  /** Resolves when the server closes after {@link VoskSession.end}; rejects when the connection fails or closes before. */
  readonly closed: Promise<void>;
  /** Sends the end-of-stream message: the server answers the last result, then closes. */
  end(): void;
}

/**
 * Hands every message of vosk-server to `onMessage`, and tells a normal end (the server closes after `eof`) from a
 * failure (the connection fails or closes before it, or a frame is not JSON).
 */
function listenToVosk(socket: WebSocket, onMessage: (message: VoskMessage) => void): VoskSession {
  let ended = false;
  const closed = new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      socket.removeAllListeners('message');
      if (socket.readyState === socket.OPEN) socket.close(1000);
      reject(error);
    };
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: VoskMessage;
      try {
        message = JSON.parse(String(data)) as VoskMessage;
      } catch (error) {
        return fail(
          Object.assign(new APIConnectionError({ message: `Vosk sent a frame that is not JSON: ${String(data).slice(0, 80)}` }), {
            cause: error,
          }),
        );
      }
      onMessage(message);
    });
    socket.once('error', (error) =>
      fail(Object.assign(new APIConnectionError({ message: `Vosk's connection failed: ${error.message}` }), { cause: error })),
    );
    socket.once('close', (code, reason) => {
      if (ended) return resolve();
      const why = reason.toString();
      reject(
        new APIConnectionError({ message: `Vosk closed the connection (${code}${why ? `: ${why}` : ''}) before the end of the audio` }),
      );
    });
  });
  return {
    closed,
    end() {
      ended = true;
      if (socket.readyState === socket.OPEN) socket.send(VOSK_EOF);
    },
  };
}

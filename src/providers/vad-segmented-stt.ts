import {
  type APIConnectOptions,
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  DEFAULT_API_CONNECT_OPTIONS,
  inference,
  isAPIError,
  stt,
  type VAD,
  VADEventType,
  type VADStream,
} from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { VoiceStackError } from '../errors/index.js';
import { vadStreamInternals } from './livekit-internals.js';

type AudioBuffer = Parameters<stt.STT['recognize']>[0];
type ConversationItem = Parameters<stt.STT['_pushConversationItem']>[0];

/**
 * The bundled Silero VAD (`inference.VAD`, runs offline), with fixes for agents 1.9 `VADStream`s:
 * - `endInput()` closes a writable stream that its own writer has locked: an unhandled rejection (which ends a
 *   process without a handler). Here the writer closes it.
 * - After the input ends, the output never ends, so whoever iterates the stream waits forever. Here it ends once the
 *   last frame is processed.
 * - A second `close()` (LiveKit's `stt.FallbackAdapter` closes its children's streams twice) closes an already closed
 *   stream: an unhandled rejection. Here `close()` is idempotent and never rejects.
 */
class SegmentationVAD extends inference.VAD {
  override stream(): VADStream {
    const stream = super.stream();
    const internals = vadStreamInternals(stream);
    stream.endInput = () => {
      if (internals.inputClosed)
        throw new VoiceStackError('INVALID_USE', 'Failed to end the input: it is already ended. Fix: call endInput() once.');
      if (internals.closed)
        throw new VoiceStackError('STACK_CLOSED', 'Failed to end the input: the stream is closed. Fix: call endInput() before close().');
      internals.inputClosed = true;
      internals.inputWriter.close().catch(() => undefined);
      // The pump ends once it has read the last frame: then end the output too.
      void internals._pumpTask?.then(() => {
        if (!internals.closed) internals.outputWriter.close().catch(() => undefined);
      });
    };
    stream.close = () => {
      if (internals.closed) return;
      internals.closed = true;
      try {
        internals.outputWriter.releaseLock();
      } catch {
        // already released
      }
      internals.outputReader.cancel().catch(() => undefined);
      internals.output.writable.close().catch(() => undefined);
    };
    return stream;
  }
}

/** A provider error as a LiveKit `APIError`, so that the stream's retry loop and the stack's chain classify it. */
function toAPIError(error: unknown): Error {
  if (isAPIError(error)) return error;
  const status = (error as { status?: unknown })?.status;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number') return new APIStatusError({ message, options: { statusCode: status, body: null } });
  // Keep the original (a JSON SyntaxError, a network error with its code) for the chain's classification.
  return Object.assign(new APIConnectionError({ message }), { cause: error });
}

/**
 * Makes a non-streaming STT live, like LiveKit's `stt.StreamAdapter`: a VAD cuts the audio at pauses and each
 * utterance goes to the wrapped STT's `recognize()`. Unlike LiveKit's adapter, a failed recognition is not logged and
 * skipped (which leaves the agent deaf with nobody told): it fails the stream with an `APIError` carrying the
 * provider's status, so retries, the chain's fallback and the "cannot hear you" notice see it. The stream ends when
 * its input ends.
 */
class VADSegmentedSTT extends stt.STT {
  readonly #inner: stt.STT;
  readonly #vad: VAD;
  label: string;

  constructor(inner: stt.STT, vad: VAD) {
    super({
      streaming: true,
      interimResults: false,
      keyterms: inner.capabilities.keyterms,
      chatContext: inner.capabilities.chatContext,
    });
    this.#inner = inner;
    this.#vad = vad;
    this.label = `livekit-voice-stack.VADSegmentedSTT<${inner.label}>`;
    inner.on('metrics_collected', (metrics) => this.emit('metrics_collected', metrics));
    inner.on('error', (error) => this.emit('error', error));
  }

  override get model(): string {
    return this.#inner.model;
  }

  override get provider(): string {
    return this.#inner.provider;
  }

  protected _recognize(frame: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    return this.#inner.recognize(frame, abortSignal);
  }

  override _updateSessionKeyterms(keyterms: string[]): void {
    this.#inner._updateSessionKeyterms(keyterms);
  }

  override _pushConversationItem(event: ConversationItem): void {
    this.#inner._pushConversationItem(event);
  }

  stream(options?: { connOptions?: APIConnectOptions }): stt.SpeechStream {
    return new VADSegmentedStream(this, this.#inner, this.#vad, options?.connOptions);
  }

  override async close(): Promise<void> {
    await this.#inner.close();
  }
}

class VADSegmentedStream extends stt.SpeechStream {
  label: string;
  readonly #inner: stt.STT;
  readonly #vad: VAD;
  /** How long one utterance's upload may take. */
  readonly #timeoutMs: number;
  /** A read of the input that a failed attempt left pending: the next attempt takes its frame. */
  #pendingInput: Promise<IteratorResult<AudioFrame | symbol>> | undefined;

  constructor(owner: stt.STT, inner: stt.STT, vad: VAD, connOptions?: APIConnectOptions) {
    super(owner, undefined, connOptions);
    this.#inner = inner;
    this.#vad = vad;
    this.#timeoutMs = connOptions?.timeoutMs ?? DEFAULT_API_CONNECT_OPTIONS.timeoutMs;
    this.label = `livekit-voice-stack.VADSegmentedStream<${inner.label}>`;
  }

  protected async run(): Promise<void> {
    const vadStream = this.#vad.stream();
    const attempt = new AbortController();
    const stop = () => attempt.abort();
    this.abortSignal.addEventListener('abort', stop, { once: true });
    const stopped = new Promise<'stopped'>((resolve) => attempt.signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
    const input = this.input as unknown as { next(): Promise<IteratorResult<AudioFrame | symbol>> };

    const forward = async () => {
      while (!attempt.signal.aborted) {
        this.#pendingInput ??= input.next();
        const next = await Promise.race([this.#pendingInput, stopped]);
        if (next === 'stopped') return;
        this.#pendingInput = undefined;
        if (next.done) break;
        if (next.value === VADSegmentedStream.FLUSH_SENTINEL) vadStream.flush();
        else vadStream.pushFrame(next.value as AudioFrame);
      }
      if (!attempt.signal.aborted) vadStream.endInput();
    };
    const forwarding = forward().catch(() => undefined);

    try {
      for await (const event of vadStream) {
        if (event.type === VADEventType.START_OF_SPEECH) {
          this.queue.put({ type: stt.SpeechEventType.START_OF_SPEECH });
        } else if (event.type === VADEventType.END_OF_SPEECH) {
          const speechEndTime = Date.now() - event.silenceDuration - event.inferenceDuration;
          this.queue.put({ type: stt.SpeechEventType.END_OF_SPEECH, speechEndTime });
          let result: stt.SpeechEvent;
          // The upload gets the stream's `timeoutMs` (the session's sttConnOptions), like a streaming STT's connect:
          // a server that never answers must not leave the user unheard.
          const deadline = new AbortController();
          const timeoutMs = this.#timeoutMs;
          const timer = setTimeout(() => deadline.abort(), timeoutMs);
          const stopUpload = () => deadline.abort();
          this.abortSignal.addEventListener('abort', stopUpload, { once: true });
          try {
            result = await this.#inner.recognize(event.frames, deadline.signal);
          } catch (error) {
            if (this.abortSignal.aborted) return;
            if (deadline.signal.aborted) throw new APITimeoutError({ message: `no transcript within ${timeoutMs} ms` });
            throw toAPIError(error);
          } finally {
            clearTimeout(timer);
            this.abortSignal.removeEventListener('abort', stopUpload);
          }
          if (result.alternatives?.[0]?.text) this.queue.put({ ...result, speechEndTime: result.speechEndTime ?? speechEndTime });
        }
      }
    } finally {
      attempt.abort();
      this.abortSignal.removeEventListener('abort', stop);
      vadStream.close();
      await forwarding;
    }
  }
}

export interface VADSegmentationOptions {
  /** Trailing silence that ends a segment, in ms. */
  minSilenceMs: number;
}

/**
 * Makes a non-streaming STT (one `recognize()` per utterance) usable in a live call: a local VAD cuts the audio at
 * pauses and each segment is transcribed. The VAD is returned too, so that the session uses it (`sessionOptions().vad`).
 */
export function withVADSegmentation(instance: stt.STT, options: VADSegmentationOptions): { instance: stt.STT; vad: VAD } {
  const vad = new SegmentationVAD({ minSilenceDuration: options.minSilenceMs });
  return { instance: new VADSegmentedSTT(instance, vad), vad };
}

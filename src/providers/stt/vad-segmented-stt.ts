import { inference, stt, type VAD, type VADStream } from '@livekit/agents';

/**
 * The bundled Silero VAD (`inference.VAD`, runs offline), with two fixes for agents 1.9, where both of these raise
 * an unhandled rejection (which ends a process that has no handler): `VADStream.endInput()` closes a writable stream
 * that its own writer has locked (here the writer closes it), and a second `VADStream.close()` closes an already
 * closed stream (LiveKit's `stt.FallbackAdapter` closes its children's streams twice; here the second call does nothing).
 */
class SegmentationVAD extends inference.VAD {
  override stream(): VADStream {
    const stream = super.stream();
    const internals = stream as unknown as { inputClosed: boolean; closed: boolean; inputWriter: WritableStreamDefaultWriter<unknown> };
    const close = stream.close.bind(stream);
    stream.close = () => {
      if (!internals.closed) close();
    };
    stream.endInput = () => {
      if (internals.inputClosed) throw new Error('Input is closed');
      if (internals.closed) throw new Error('Stream is closed');
      internals.inputClosed = true;
      internals.inputWriter.close().catch(() => undefined);
    };
    return stream;
  }
}

/** LiveKit's `stt.StreamAdapter`, reporting the wrapped STT's model and provider (for metrics, events and the chain). */
class VADSegmentedSTT extends stt.StreamAdapter {
  readonly #inner: stt.STT;

  constructor(inner: stt.STT, vad: VAD) {
    super(inner, vad);
    this.#inner = inner;
  }

  override get model(): string {
    return this.#inner.model;
  }

  override get provider(): string {
    return this.#inner.provider;
  }

  override async close(): Promise<void> {
    await this.#inner.close();
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

import { type APIConnectOptions, tts } from '@livekit/agents';
import { VoiceStackError } from '../errors/index.js';
import { guardChunkedStream } from '../providers/livekit-internals.js';

/**
 * A one-shot TTS whose failed syntheses cannot become unhandled rejections: LiveKit's `ChunkedStream` runs its work
 * in a promise nobody awaits (agents 1.9 `tts.ts`), so a failure (an OpenAI 429 is a raw SDK error) is both emitted
 * and rejected into the void. Here the rejection is caught, and rethrown to whoever iterates the stream (the
 * sentence tokenizer's `StreamAdapter`), so the chain sees the real error and classifies it.
 */
export class GuardedOneShotTTS extends tts.TTS {
  readonly label: string;
  readonly #inner: tts.TTS;

  constructor(inner: tts.TTS) {
    super(inner.sampleRate, inner.numChannels, { streaming: false });
    this.#inner = inner;
    this.label = inner.label;
  }

  override get model(): string {
    return this.#inner.model;
  }

  override get provider(): string {
    return this.#inner.provider;
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
    return guardChunkedStream(this.#inner.synthesize(text, connOptions, abortSignal));
  }

  stream(): tts.SynthesizeStream {
    throw new VoiceStackError(
      'INVALID_USE',
      `Failed to stream from ${this.label}: it is a one-shot TTS. Fix: wrap it with tts.StreamAdapter.`,
    );
  }
}

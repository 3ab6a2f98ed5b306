import { type APIConnectOptions, tts } from '@livekit/agents';
import type { ProviderError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { captureRunFailure, guardChunkedStream } from '../providers/livekit-internals.js';
import { PcmResampler } from '../providers/pcm-resampler.js';
import type { ChainCore } from './chain-core.js';

type Audio = tts.SynthesizedAudio;
export const FLUSH = Symbol('flush');
export const END = Symbol('end');
export type Token = string | typeof FLUSH | typeof END;

/** The text of one utterance, replayable from the start for each option (nothing was heard before a switch). */
export class TokenBuffer {
  readonly items: Token[] = [];
  #wake: (() => void) | undefined;
  /** Whether any non-blank text arrived (an utterance without text needs no audio). */
  hasText = false;

  push(token: Token): void {
    if (typeof token === 'string' && token.trim()) this.hasText = true;
    this.items.push(token);
    this.#notify();
  }

  get ended(): boolean {
    return this.items.at(-1) === END;
  }

  /** Resolves when a token arrives or `stop` is called. */
  changed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.#wake;
      this.#wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  stop(): void {
    this.#notify();
  }
}

/** How an attempt ended: `afterAudio` when part of the utterance was already heard. */
export type SynthesisOutcome = 'done' | 'aborted' | { error: ProviderError; afterAudio: boolean };

/** What a synthesis attempt needs from its chain and its utterance. */
export interface SynthesisContext {
  core: ChainCore<'tts'>;
  /** The chain's rate: audio of another rate is resampled to it. */
  sampleRate: number;
  numChannels: number;
  /** The instance to stream from (the child, or the child behind a sentence tokenizer). */
  streamingInstance: tts.TTS;
  buffer: TokenBuffer;
  put(audio: Audio): void;
  signal: AbortSignal;
  connOptions: APIConnectOptions;
  /** The text of a one-shot synthesis (`synthesize()`), which uses the child's one-shot endpoint. */
  oneShot: string | undefined;
}

/**
 * One synthesis of an utterance by one option (the TTS counterpart of the LLM chain's `Attempt`): feeds it the
 * utterance's text, forwards its audio (resampled when needed), and watches the clock: no audio within
 * `connOptions.timeoutMs` of the first text is a timeout; after the first audio, no audio for `stallTimeoutMs` while
 * text is awaiting its audio is a stall (a gap while the LLM has sent nothing new is not).
 */
export class SynthesisAttempt {
  readonly option: ProviderOption<'tts'>;
  /** Whether any audio of this attempt was put out. */
  sawAudio = false;
  readonly #context: SynthesisContext;
  readonly #child: tts.SynthesizeStream | tts.ChunkedStream;
  readonly #failure: { readonly error: unknown; readonly failed: boolean };
  #expired: 'timeout' | 'stall' | undefined;
  #outputDone = false;
  #awaiting: boolean;
  #firstAudioTimer: ReturnType<typeof setTimeout> | undefined;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(option: ProviderOption<'tts'>, context: SynthesisContext) {
    this.option = option;
    this.#context = context;
    const childConn: APIConnectOptions = { maxRetry: 0, retryIntervalMs: 0, timeoutMs: context.connOptions.timeoutMs };
    // One-shot requests use the child's one-shot endpoint (guarded); streams its stream (or sentence tokenizer).
    this.#child = context.oneShot
      ? guardChunkedStream(option.instance.synthesize(context.oneShot, childConn, context.signal))
      : context.streamingInstance.stream({ connOptions: childConn });
    this.#failure = context.oneShot ? { failed: false, error: undefined } : captureRunFailure(this.#child);
    this.#awaiting = context.oneShot !== undefined;
  }

  /** Runs the attempt to its end. Never throws. */
  async run(): Promise<SynthesisOutcome> {
    const { buffer, signal, put, oneShot, core } = this.#context;
    const child = this.#child;
    const rate = this.option.instance.sampleRate;
    const resampler =
      rate !== this.#context.sampleRate ? new PcmResampler(rate, this.#context.sampleRate, this.#context.numChannels) : undefined;
    const onAbort = () => child.close();
    signal.addEventListener('abort', onAbort, { once: true });
    const forwarding = child instanceof tts.SynthesizeStream ? this.#forward(child).catch(() => undefined) : Promise.resolve();
    let lastAudio: Audio | undefined;
    let iterationError: { error: unknown } | undefined;
    let timed: NonNullable<Audio['timedTranscripts']> = [];
    const takeTimed = () => {
      if (timed.length === 0) return undefined;
      const taken = timed;
      timed = [];
      return taken;
    };
    if (oneShot && buffer.hasText) this.#armFirstAudio();
    try {
      for await (const audio of child as AsyncIterable<Audio | typeof tts.SynthesizeStream.END_OF_STREAM>) {
        if (signal.aborted) break;
        if (audio === tts.SynthesizeStream.END_OF_STREAM) continue;
        if (!this.sawAudio) {
          this.sawAudio = true;
          clearTimeout(this.#firstAudioTimer);
        }
        this.#awaiting = buffer.ended || oneShot !== undefined;
        this.#armStall();
        lastAudio = audio;
        if (resampler) {
          // The resampler returns zero, one or several frames per input frame: each timed transcript goes out once,
          // on the next frame that leaves it (copying it onto every frame would repeat words; onto none, drop them).
          if (audio.timedTranscripts?.length) timed.push(...audio.timedTranscripts);
          for (const frame of resampler.push(audio.frame)) put({ ...audio, frame, timedTranscripts: takeTimed() });
        } else put(audio);
      }
    } catch (error) {
      // A guarded one-shot stream throws its failure here.
      iterationError = { error };
    }
    try {
      if (resampler && this.sawAudio && lastAudio && !signal.aborted) {
        for (const frame of resampler.flush()) {
          put({ requestId: lastAudio.requestId, segmentId: lastAudio.segmentId, frame, final: true, timedTranscripts: takeTimed() });
        }
      }
    } finally {
      this.#outputDone = true;
      clearTimeout(this.#firstAudioTimer);
      clearTimeout(this.#stallTimer);
      buffer.stop();
      signal.removeEventListener('abort', onAbort);
      child.close();
      resampler?.close();
      await forwarding;
    }
    const option = this.option;
    if (signal.aborted) return 'aborted';
    if (this.#expired === 'timeout') {
      return { error: core.timeoutError(option, `no audio within ${this.#context.connOptions.timeoutMs} ms`), afterAudio: false };
    }
    if (this.#expired === 'stall') {
      return { error: core.stallError(option, `no audio for ${core.retry.stallTimeoutMs} ms`), afterAudio: true };
    }
    if (iterationError) return { error: core.classify(iterationError.error, option), afterAudio: this.sawAudio };
    if (this.#failure.failed) return { error: core.classify(this.#failure.error, option), afterAudio: this.sawAudio };
    if (!this.sawAudio && buffer.hasText) {
      return { error: core.classify(new Error('the stream ended without audio (connection closed)'), option), afterAudio: false };
    }
    return 'done';
  }

  /** Copies the utterance's text into the child's stream as it arrives. */
  async #forward(child: tts.SynthesizeStream): Promise<void> {
    const { buffer, signal } = this.#context;
    let index = 0;
    while (!this.#outputDone && !signal.aborted) {
      while (index < buffer.items.length) {
        const token = buffer.items[index++]!;
        if (token === END || (typeof token === 'string' && token.trim())) {
          this.#awaiting = true;
          if (this.sawAudio) this.#armStall();
        }
        if (token === END) return child.endInput();
        if (token === FLUSH) child.flush();
        else {
          if (!this.sawAudio && this.#firstAudioTimer === undefined && token.trim()) this.#armFirstAudio();
          child.pushText(token);
        }
      }
      await buffer.changed();
    }
  }

  /** Closes the child's stream: for an attempt that will not run (it holds no timer or listener before run()). */
  close(): void {
    this.#child.close();
  }

  #armFirstAudio(): void {
    this.#firstAudioTimer = setTimeout(() => this.#expire('timeout'), this.#context.connOptions.timeoutMs);
  }

  /** After the first audio: text (or the end of input) handed over since the last audio is awaited audio. */
  #armStall(): void {
    clearTimeout(this.#stallTimer);
    this.#stallTimer = setTimeout(() => {
      if (!this.#awaiting || this.#outputDone) return;
      this.#expire('stall');
    }, this.#context.core.retry.stallTimeoutMs);
  }

  #expire(kind: 'timeout' | 'stall'): void {
    this.#expired = kind;
    this.#child.close();
  }
}

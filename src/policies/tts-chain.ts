import { type APIConnectOptions, tokenize, tts } from '@livekit/agents';
import { AudioResampler } from '@livekit/rtc-node';
import { ConfigError, ProviderError, RetriesExhaustedError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { runWithinWindow } from './retry-schedule.js';
import { captureRunFailure, SpeechChainState, type SpeechChainOptions } from './speech-chain.js';
import type { VerbalPolicy } from './verbal-policy.js';

/** Time from the first text handed to an option to its first audio, when the session gives none, in ms. */
export const DEFAULT_FIRST_AUDIO_TIMEOUT_MS = 10_000;

export interface ChainTTSOptions extends SpeechChainOptions<'tts'> {
  /** The spoken policy: its phrases are flushed to the TTS at once (a sentence tokenizer would hold them). */
  verbal?: VerbalPolicy | undefined;
}

type Audio = tts.SynthesizedAudio;
const FLUSH = Symbol('flush');
const END = Symbol('end');
type Token = string | typeof FLUSH | typeof END;

/**
 * The TTS chain: one `tts.TTS` over the options of the `tts` slot, with the classification, shared cooldowns and
 * retry window of the LLM chain (design.md, "The chain and the retry window"). Unlike LiveKit's `tts.FallbackAdapter`:
 * - it never emits an `error` (a child's unrecoverable error would count towards closing the session, agents-js 2399);
 *   when the window is spent the utterance ends without audio, and `exhausted` is emitted and logged;
 * - it sends no recovery probe: a failed option is skipped (429/402, for its `Retry-After`) or tried after the
 *   healthy ones (other failures, for `demotionMs`), and the next real utterance after that is the probe;
 * - a failed one-shot synthesis of a child (OpenAI TTS) is caught and classified, never an unhandled rejection;
 * - the holding phrase and the apology are flushed to the TTS as soon as their text is complete.
 * Non-streaming children are wrapped with a sentence tokenizer (LiveKit's `tts.StreamAdapter`); audio of children
 * with another sample rate is resampled to the chain's rate (the highest of the children, as LiveKit does).
 */
export class ChainTTS extends tts.TTS {
  readonly options: readonly ProviderOption<'tts'>[];
  /** @internal */ readonly state: SpeechChainState<'tts'>;
  /** @internal */ readonly verbal: VerbalPolicy | undefined;
  label: string;
  readonly #streaming = new Map<ProviderOption<'tts'>, tts.TTS>();
  readonly #adapters: tts.TTS[] = [];
  readonly #unlisten: (() => void)[] = [];
  readonly #streams = new Set<{ close(): void }>();
  #closed = false;

  constructor(init: ChainTTSOptions) {
    const state = new SpeechChainState('tts', init);
    const channels = init.options[0]!.instance.numChannels;
    const mismatch = init.options.find((option) => option.instance.numChannels !== channels);
    if (mismatch) {
      throw new ConfigError([
        {
          path: mismatch.path,
          message: `expected ${channels}-channel audio like the first TTS (${init.options[0]!.label}), got ${mismatch.instance.numChannels} from ${mismatch.label}. Fix: use TTS options with the same channel count in one chain.`,
        },
      ]);
    }
    const sampleRate = Math.max(...init.options.map((option) => option.instance.sampleRate));
    super(sampleRate, channels, {
      streaming: true,
      alignedTranscript: init.options.every((option) => option.instance.capabilities.alignedTranscript === true),
    });
    this.state = state;
    this.options = init.options;
    this.verbal = init.verbal;
    this.label = `livekit-voice-stack.ChainTTS(${init.options.map((option) => option.label).join(' → ')})`;
    for (const option of init.options) {
      const child = option.instance;
      let streaming = child;
      if (!child.capabilities.streaming) {
        const guarded = new GuardedOneShotTTS(child);
        streaming = new tts.StreamAdapter(guarded, new tokenize.basic.SentenceTokenizer());
        this.#adapters.push(streaming);
        this.#quiet(guarded, false);
        this.#quiet(streaming, false);
      }
      this.#streaming.set(option, streaming);
    }
    for (const child of new Set(init.options.map((option) => option.instance))) this.#quiet(child, true);
  }

  override get model(): string {
    return this.options[0]!.model;
  }

  override get provider(): string {
    return this.options[0]!.provider;
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new ChainChunkedStream(this, text, connOptions, abortSignal);
  }

  stream(options?: { connOptions?: APIConnectOptions }): tts.SynthesizeStream {
    return new ChainSynthesizeStream(this, options?.connOptions);
  }

  /** Closes the chain's streams and wrappers; the options' own instances stay owned by the stack. */
  override async close(): Promise<void> {
    this.#closed = true;
    for (const stream of this.#streams) stream.close();
    this.#streams.clear();
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
    await Promise.allSettled(this.#adapters.map((adapter) => adapter.close()));
  }

  /** @internal The instance to stream from: the child, or the child behind a sentence tokenizer. */
  streamingInstanceOf(option: ProviderOption<'tts'>): tts.TTS {
    return this.#streaming.get(option)!;
  }

  /** @internal */
  track(stream: { close(): void }, active: boolean): boolean {
    if (active && !this.#closed) this.#streams.add(stream);
    else this.#streams.delete(stream);
    return !this.#closed;
  }

  /**
   * Children report failures as `error` events, which throw when nobody listens. Each attempt captures its own
   * failure; this listener keeps the emitter quiet. Child metrics are the session's TTS metrics.
   */
  #quiet(instance: tts.TTS, forwardMetrics: boolean): void {
    const onError = () => undefined;
    const onMetrics = (metrics: Parameters<tts.TTSCallbacks['metrics_collected']>[0]) => this.emit('metrics_collected', metrics);
    instance.on('error', onError);
    if (forwardMetrics) instance.on('metrics_collected', onMetrics);
    this.#unlisten.push(() => {
      instance.off('error', onError);
      instance.off('metrics_collected', onMetrics);
    });
  }
}

/**
 * A one-shot TTS whose failed syntheses cannot become unhandled rejections: LiveKit's `ChunkedStream` runs its work
 * in a promise nobody awaits (agents 1.9 `tts.ts`), so a failure (an OpenAI 429 is a raw SDK error) is both emitted
 * and rejected into the void. Here the rejection is caught, and rethrown to whoever iterates the stream (the
 * sentence tokenizer's `StreamAdapter`), so the chain sees the real error and classifies it.
 */
class GuardedOneShotTTS extends tts.TTS {
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
    throw new Error(`Failed to stream from ${this.label}: it is a one-shot TTS. Fix: wrap it with tts.StreamAdapter.`);
  }
}

/**
 * Catches the failure of a child's `ChunkedStream` (its `mainTask` starts on the next microtask, so patching it
 * right after `synthesize()` returns is in time) and throws it from the stream's iteration instead.
 */
export function guardChunkedStream(stream: tts.ChunkedStream): tts.ChunkedStream {
  const target = stream as unknown as { mainTask?: () => Promise<void>; next: () => Promise<IteratorResult<Audio>> };
  const mainTask = target.mainTask;
  if (typeof mainTask !== 'function') return stream;
  let failure: { error: unknown } | undefined;
  target.mainTask = () =>
    mainTask.call(stream).catch((error: unknown) => {
      failure = { error };
    });
  const next = target.next;
  target.next = async () => {
    const result = await next.call(stream);
    if (result.done && failure) {
      const { error } = failure;
      failure = undefined;
      throw error;
    }
    return result;
  };
  return stream;
}

/** The text of one utterance, replayable from the start for each option (nothing was heard before a switch). */
class TokenBuffer {
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

type Outcome = 'done' | 'aborted' | { error: ProviderError; afterAudio: boolean };

/**
 * Speaks one utterance through the chain: options in order, a failure before audio moves to the next at once,
 * backoff between passes within the retry window. Never throws.
 */
async function speakThroughChain(
  chain: ChainTTS,
  buffer: TokenBuffer,
  put: (audio: Audio) => void,
  signal: AbortSignal,
  connOptions: APIConnectOptions,
  /** The text of a one-shot synthesis (`synthesize()`), which uses the children's one-shot endpoints. */
  oneShot?: string,
): Promise<void> {
  const { state } = chain;
  const startedAt = Date.now();
  const skipped = new Set<ProviderOption<'tts'>>();
  const errors: ProviderError[] = [];
  let last: { option: ProviderOption<'tts'>; error: ProviderError } | undefined;
  let audioPushed = false;
  let ended = false;

  const attempt = async (option: ProviderOption<'tts'>): Promise<Outcome> => {
    const childConn: APIConnectOptions = { maxRetry: 0, retryIntervalMs: 0, timeoutMs: connOptions.timeoutMs };
    // One-shot requests use the child's one-shot endpoint (guarded); streams its stream (or sentence tokenizer).
    const child = oneShot
      ? guardChunkedStream(option.instance.synthesize(oneShot, childConn, signal))
      : chain.streamingInstanceOf(option).stream({ connOptions: childConn });
    const failure = oneShot ? { failed: false, error: undefined as unknown } : captureRunFailure(child);
    const rate = option.instance.sampleRate;
    const resampler = rate !== chain.sampleRate ? new AudioResampler(rate, chain.sampleRate, chain.numChannels) : undefined;
    let sawAudio = false;
    let timedOut = false;
    let stalled = false;
    let outputDone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // After the first audio: text (or the end of input) handed over since the last audio is awaited audio. No
    // audio for `stallTimeoutMs` then is a stall (a gap while the LLM has sent nothing new is not).
    let awaiting = oneShot !== undefined;
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        if (!awaiting || outputDone) return;
        stalled = true;
        child.close();
      }, state.retry.stallTimeoutMs);
    };
    const onAbort = () => child.close();
    signal.addEventListener('abort', onAbort, { once: true });

    const forward = async (child: tts.SynthesizeStream) => {
      let index = 0;
      while (!outputDone && !signal.aborted) {
        while (index < buffer.items.length) {
          const token = buffer.items[index++]!;
          if (token === END || (typeof token === 'string' && token.trim())) {
            awaiting = true;
            if (sawAudio) armStall();
          }
          if (token === END) return child.endInput();
          if (token === FLUSH) child.flush();
          else {
            if (!sawAudio && timer === undefined && token.trim()) {
              timer = setTimeout(() => {
                timedOut = true;
                child.close();
              }, connOptions.timeoutMs);
            }
            child.pushText(token);
          }
        }
        await buffer.changed();
      }
    };
    const forwarding = child instanceof tts.SynthesizeStream ? forward(child).catch(() => undefined) : Promise.resolve();
    let lastAudio: Audio | undefined;
    let iterationError: { error: unknown } | undefined;
    if (oneShot && buffer.hasText) {
      timer = setTimeout(() => {
        timedOut = true;
        child.close();
      }, connOptions.timeoutMs);
    }
    try {
      for await (const audio of child as AsyncIterable<Audio | typeof tts.SynthesizeStream.END_OF_STREAM>) {
        if (signal.aborted) break;
        if (audio === tts.SynthesizeStream.END_OF_STREAM) continue;
        if (!sawAudio) {
          sawAudio = true;
          clearTimeout(timer);
        }
        awaiting = buffer.ended || oneShot !== undefined;
        armStall();
        lastAudio = audio;
        if (resampler) for (const frame of resampler.push(audio.frame)) put({ ...audio, frame });
        else put(audio);
        audioPushed = true;
      }
    } catch (error) {
      // A guarded one-shot stream throws its failure here.
      iterationError = { error };
    }
    try {
      if (resampler && sawAudio && lastAudio && !signal.aborted) {
        for (const frame of resampler.flush()) put({ requestId: lastAudio.requestId, segmentId: lastAudio.segmentId, frame, final: true });
      }
    } finally {
      outputDone = true;
      clearTimeout(timer);
      clearTimeout(stallTimer);
      buffer.stop();
      signal.removeEventListener('abort', onAbort);
      child.close();
      resampler?.close();
      await forwarding;
    }
    if (signal.aborted) return 'aborted';
    if (timedOut) {
      const error = Object.assign(new Error(`no audio within ${connOptions.timeoutMs} ms`), { name: 'TimeoutError' });
      return { error: state.classify(error, option), afterAudio: false };
    }
    if (stalled) {
      const error = new ProviderError(
        `Failed to get a TTS reply from ${option.label}: stalled mid-stream (no audio for ${state.retry.stallTimeoutMs} ms).`,
        {
          category: 'stall',
          modality: 'tts',
          label: option.label,
        },
      );
      return { error, afterAudio: true };
    }
    if (iterationError) return { error: state.classify(iterationError.error, option), afterAudio: sawAudio };
    if (failure.failed) return { error: state.classify(failure.error, option), afterAudio: sawAudio };
    if (!sawAudio && buffer.hasText) {
      return { error: state.classify(new Error('the stream ended without audio (connection closed)'), option), afterAudio: false };
    }
    return 'done';
  };

  const pass = async (): Promise<void> => {
    const order = await state.plan(skipped);
    if (order.length === 0) throw state.cooledError();
    for (const option of order) {
      if (signal.aborted) return;
      if (last && last.option !== option)
        state.emit('fallback', { modality: 'tts', from: last.option.label, to: option.label, error: last.error });
      const outcome = await attempt(option);
      if (outcome === 'aborted') return;
      if (outcome === 'done') {
        if (audioPushed) void state.markHealthy(option);
        ended = true;
        return;
      }
      errors.push(outcome.error);
      last = { option, error: outcome.error };
      if (!outcome.error.isRetryable) skipped.add(option);
      await state.recordFailure(
        option,
        outcome.error,
        outcome.afterAudio ? ' mid-utterance; ending it without replaying what was heard' : '',
      );
      // Part of the utterance was heard: end it rather than repeat it from another option.
      if (outcome.afterAudio) {
        ended = true;
        return;
      }
    }
    throw last?.error ?? state.cooledError();
  };

  try {
    await runWithinWindow(pass, {
      retry: state.retry,
      startedAt,
      signal,
      availableInMs: () => state.availableInMs(skipped),
      onWait: ({ retry: attemptNumber, delayMs }) => {
        const option = last?.option ?? state.options[0]!;
        state.logger.info(`every TTS option failed; trying again in ${delayMs} ms`, {
          attempt: attemptNumber,
          delayMs,
          label: option.label,
        });
        state.emit('retry', {
          modality: 'tts',
          provider: option.provider,
          model: option.model,
          attempt: attemptNumber,
          delayMs,
          error: last?.error ?? state.cooledError(),
        });
      },
    });
  } catch {
    if (!signal.aborted && !ended) {
      const all = errors.length > 0 ? errors : [state.cooledError()];
      state.logger.warn(
        `${new RetriesExhaustedError('tts', all, state.retry.windowMs).message} The utterance ends without audio; the session goes on.`,
        {
          attempts: errors.length,
        },
      );
      state.emit('exhausted', { modality: 'tts', errors: all });
    }
  }
}

const DEFAULT_CONN: APIConnectOptions = { maxRetry: 0, retryIntervalMs: 0, timeoutMs: DEFAULT_FIRST_AUDIO_TIMEOUT_MS };

/** One utterance streamed through the chain (what `AgentSession` uses). */
class ChainSynthesizeStream extends tts.SynthesizeStream {
  label: string;
  readonly #chain: ChainTTS;

  constructor(chain: ChainTTS, connOptions: APIConnectOptions | undefined) {
    super(chain, connOptions ?? DEFAULT_CONN);
    this.#chain = chain;
    this.label = `${chain.label}.stream`;
    if (!chain.track(this, true)) this.close();
  }

  protected async run(): Promise<void> {
    const buffer = new TokenBuffer();
    const verbal = this.#chain.verbal;
    const readInput = (async () => {
      let segment = '';
      try {
        for await (const input of this.input) {
          if (this.abortController.signal.aborted) break;
          if (input === tts.SynthesizeStream.FLUSH_SENTINEL) {
            segment = '';
            buffer.push(FLUSH);
            continue;
          }
          buffer.push(input);
          segment += input;
          // The holding phrase comes alone while the LLM chain waits: a sentence tokenizer would keep it until
          // the next sentence starts (the fallback's answer). Flush it so it is heard now.
          if (verbal?.endsWithSpokenPhrase(segment)) {
            segment = '';
            buffer.push(FLUSH);
          }
        }
      } finally {
        buffer.push(END);
      }
    })();
    try {
      await speakThroughChain(this.#chain, buffer, (audio) => this.queue.put(audio), this.abortController.signal, this.connOptions);
      if (!this.abortController.signal.aborted && !this.queue.closed) this.queue.put(tts.SynthesizeStream.END_OF_STREAM);
    } finally {
      this.#chain.track(this, false);
      void readInput.catch(() => undefined);
    }
  }
}

/** One-shot synthesis through the chain. Never rejects: a spent window ends it without audio. */
class ChainChunkedStream extends tts.ChunkedStream {
  label: string;
  readonly #chain: ChainTTS;
  readonly #connOptions: APIConnectOptions;

  constructor(chain: ChainTTS, text: string, connOptions: APIConnectOptions | undefined, abortSignal: AbortSignal | undefined) {
    super(text, chain, connOptions ?? DEFAULT_CONN, abortSignal);
    this.#chain = chain;
    this.#connOptions = connOptions ?? DEFAULT_CONN;
    this.label = `${chain.label}.synthesize`;
    if (!chain.track(this, true)) this.close();
  }

  protected async run(): Promise<void> {
    const buffer = new TokenBuffer();
    buffer.push(this.inputText);
    buffer.push(END);
    try {
      await speakThroughChain(
        this.#chain,
        buffer,
        (audio) => this.queue.put(audio),
        this.abortController.signal,
        this.#connOptions,
        this.inputText,
      );
    } finally {
      this.#chain.track(this, false);
    }
  }
}

import { type APIConnectOptions, tokenize, tts } from '@livekit/agents';
import { ConfigError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { ChainCore, type ChainSettings, Episode, listenToChildren } from './chain-core.js';
import { GuardedOneShotTTS } from './guarded-one-shot-tts.js';
import { RetryWindow, runWithinWindow } from './retry-schedule.js';
import { END, FLUSH, SynthesisAttempt, type SynthesisContext, type SynthesisOutcome, TokenBuffer } from './tts-attempt.js';
import type { VerbalPolicy } from './verbal-policy.js';

/** Time from the first text handed to an option to its first audio, when the session gives none, in ms. */
const DEFAULT_FIRST_AUDIO_TIMEOUT_MS = 10_000;

export interface ChainTTSSettings extends ChainSettings<'tts'> {
  /** The spoken policy: its phrases are flushed to the TTS at once (a sentence tokenizer would hold them). */
  verbal?: VerbalPolicy | undefined;
}

/**
 * The TTS chain: one `tts.TTS` over the options of the `tts` slot, with the classification, shared cooldowns and
 * retry window of the LLM chain ({@link ChainCore}; docs/architecture.md, "The chain's rules"). Unlike LiveKit's `tts.FallbackAdapter`:
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
  /** @internal The chain's state and bookkeeping (cooldowns, order, events). */
  readonly core: ChainCore<'tts'>;
  /** @internal */ readonly verbal: VerbalPolicy | undefined;
  label: string;
  readonly #streaming = new Map<ProviderOption<'tts'>, tts.TTS>();
  readonly #adapters: tts.TTS[] = [];
  readonly #unlisten: (() => void)[] = [];
  readonly #streams = new Set<{ close(): void }>();
  #closed = false;

  constructor(init: ChainTTSSettings) {
    const core = new ChainCore('tts', init);
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
    this.core = core;
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
        this.#unlisten.push(listenToChildren([guarded, streaming]));
      }
      this.#streaming.set(option, streaming);
    }
    // Child metrics are the session's TTS metrics.
    this.#unlisten.push(
      listenToChildren(
        init.options.map((option) => option.instance),
        (metrics: Parameters<tts.TTSCallbacks['metrics_collected']>[0]) => this.emit('metrics_collected', metrics),
      ),
    );
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
}

/** What one utterance gives each of its attempts. */
type Utterance = Pick<SynthesisContext, 'buffer' | 'put' | 'signal' | 'connOptions' | 'oneShot'>;

/** One option's attempt at an utterance (its child stream starts now). Throws when the child's stream()/synthesize() does. */
function attemptOf(chain: ChainTTS, option: ProviderOption<'tts'>, utterance: Utterance): SynthesisAttempt {
  return new SynthesisAttempt(option, {
    core: chain.core,
    sampleRate: chain.sampleRate,
    numChannels: chain.numChannels,
    streamingInstance: chain.streamingInstanceOf(option),
    ...utterance,
  });
}

/**
 * The attempt of the option the first pass would start with now (cooling options are left out, as in a pass),
 * opened before the chain's own stream starts; `undefined` when no option is available now, and the pass plans as
 * usual. A child whose stream() throws is left to the pass, which classifies the failure.
 */
function openFirstAttempt(chain: ChainTTS, utterance: Utterance): SynthesisAttempt | undefined {
  const option = chain.core.planNow()?.[0];
  if (!option) return undefined;
  try {
    return attemptOf(chain, option, utterance);
  } catch {
    return undefined;
  }
}

/**
 * Speaks one utterance through the chain: options in order, a failure before audio moves to the next at once,
 * backoff between passes within the retry window. `first`: the attempt already opened for the first pass (see
 * {@link openFirstAttempt}); the caller closes it should the utterance end before it runs. Never throws.
 */
async function speakThroughChain(chain: ChainTTS, utterance: Utterance, first?: SynthesisAttempt): Promise<void> {
  const { core } = chain;
  const { signal } = utterance;
  const episode = new Episode<'tts'>();
  let ended = false;

  const pass = async (): Promise<void> => {
    const opened = first;
    first = undefined;
    const planned = (opened && core.planNow(episode.skipped)) || (await core.plan(episode.skipped));
    const order = opened ? [opened.option, ...planned.filter((option) => option !== opened.option)] : planned;
    if (order.length === 0) throw core.cooledError();
    for (const option of order) {
      if (signal.aborted) return;
      core.moveTo(option, episode.last);
      let attempt: SynthesisAttempt | undefined;
      let outcome: SynthesisOutcome;
      try {
        attempt = option === opened?.option ? opened : attemptOf(chain, option, utterance);
        outcome = await attempt.run();
      } catch (error) {
        // stream()/synthesize() threw before any stream existed (run() never throws): this option's failure.
        outcome = { error: core.classify(error, option), afterAudio: false };
      }
      if (outcome === 'aborted') return;
      if (outcome === 'done') {
        if (attempt?.sawAudio) core.markHealthy(option);
        ended = true;
        return;
      }
      episode.record(option, outcome.error);
      await core.recordFailure(
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
    throw episode.last?.error ?? core.cooledError();
  };

  try {
    await runWithinWindow(pass, {
      window: new RetryWindow(core.retry, { startedAt: Date.now() }),
      signal,
      availableInMs: () => core.availableInMs(episode.skipped),
      onWait: ({ retry, delayMs }) => core.reportRetry(episode.last, retry, delayMs),
    });
  } catch {
    if (!signal.aborted && !ended) {
      await core.reportExhausted(
        episode.errors.length > 0 ? episode.errors : [core.cooledError()],
        'The utterance ends without audio; the session goes on.',
      );
    }
  }
}

const DEFAULT_CONN: APIConnectOptions = { maxRetry: 0, retryIntervalMs: 0, timeoutMs: DEFAULT_FIRST_AUDIO_TIMEOUT_MS };

/** One utterance streamed through the chain (what `AgentSession` uses). */
class ChainSynthesizeStream extends tts.SynthesizeStream {
  label: string;
  readonly #chain: ChainTTS;
  readonly #buffer = new TokenBuffer();
  #first: SynthesisAttempt | undefined;

  constructor(chain: ChainTTS, connOptions: APIConnectOptions | undefined) {
    super(chain, connOptions ?? DEFAULT_CONN);
    this.#chain = chain;
    this.label = `${chain.label}.stream`;
    if (!chain.track(this, true)) {
      this.close();
      return;
    }
    // Open the first option's stream now, not in run(): SynthesizeStream starts run() with setTimeout(0), and a
    // child opened there would wait for its own start as well (docs/architecture.md, "Measured facts").
    this.#first = openFirstAttempt(chain, this.#utterance());
  }

  #utterance(): Utterance {
    return {
      buffer: this.#buffer,
      put: (audio) => this.queue.put(audio),
      signal: this.abortController.signal,
      connOptions: this.connOptions,
      oneShot: undefined,
    };
  }

  protected async run(): Promise<void> {
    const buffer = this.#buffer;
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
      await speakThroughChain(this.#chain, this.#utterance(), this.#first);
      if (!this.abortController.signal.aborted && !this.queue.closed) this.queue.put(tts.SynthesizeStream.END_OF_STREAM);
    } finally {
      // Closed before its attempt ran (aborted, or no pass reached it): its child must not stay open.
      this.#first?.close();
      this.#first = undefined;
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
      await speakThroughChain(this.#chain, {
        buffer,
        put: (audio) => this.queue.put(audio),
        signal: this.abortController.signal,
        connOptions: this.#connOptions,
        oneShot: this.inputText,
      });
    } finally {
      this.#chain.track(this, false);
    }
  }
}

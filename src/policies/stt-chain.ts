import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS, stt } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import { EventEmitter } from 'eventemitter3';
import { type ProviderError, RetriesExhaustedError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { captureRunFailure } from '../providers/livekit-internals.js';
import { ChainCore, type ChainSettings, Episode, type LastFailure, listenToChildren } from './chain-core.js';
import { RetryWindow, runWithinWindow } from './retry-schedule.js';

type AudioBuffer = Parameters<stt.STT['recognize']>[0];

export interface ChainSTTSettings extends ChainSettings<'stt'> {
  /** What to tell the user when every option is down (`verbal.notHearing`), or `undefined` to say nothing. */
  notHearing?: string | undefined;
}

/**
 * A notice for the session whose stream stopped (or resumed) hearing. `connOptions` is the object the session passed
 * to `stt.stream()` (`session.connOptions.sttConnOptions`): it tells which session the stream belongs to.
 */
export interface HearingNotice {
  connOptions: APIConnectOptions | undefined;
  text: string;
}

export interface ChainSTTNotices {
  /** Every option of a stream is down: tell its session once (this episode). */
  not_hearing: (notice: HearingNotice) => void;
}

/**
 * The STT chain: one `stt.STT` over the options of the `stt` slot, with the classification, shared cooldowns and
 * backoff of the LLM chain ({@link ChainCore}). A stream that fails moves to the next option at once (audio spoken during the switch is
 * lost); when every option is down it tells the session once (through `notices`, which `stack.attach()` turns into
 * `session.say(verbal.notHearing)`), keeps trying with backoff, and resumes as soon as an option transcribes again.
 * It never emits `error`: an unrecoverable `stt_error` closes the session at once.
 */
export class ChainSTT extends stt.STT {
  readonly options: readonly ProviderOption<'stt'>[];
  /** @internal The chain's state and bookkeeping (cooldowns, order, events). */
  readonly core: ChainCore<'stt'>;
  /** @internal */ readonly notHearing: string | undefined;
  /** Per-session notices (see {@link HearingNotice}). */
  readonly notices = new EventEmitter<ChainSTTNotices>();
  label: string;
  readonly #unlisten: () => void;
  readonly #streams = new Set<ChainSpeechStream>();
  #closed = false;

  constructor(init: ChainSTTSettings) {
    const core = new ChainCore('stt', init);
    const children = init.options.map((option) => option.instance);
    super({
      streaming: true,
      interimResults: children.some((child) => child.capabilities.interimResults),
      alignedTranscript: children.every((child) => child.capabilities.alignedTranscript === children[0]!.capabilities.alignedTranscript)
        ? (children[0]!.capabilities.alignedTranscript ?? false)
        : false,
    });
    this.core = core;
    this.options = init.options;
    this.notHearing = init.notHearing;
    this.label = `livekit-voice-stack.ChainSTT(${init.options.map((option) => option.label).join(' → ')})`;
    this.#unlisten = listenToChildren(children, (metrics: Parameters<stt.STTCallbacks['metrics_collected']>[0]) =>
      this.emit('metrics_collected', metrics),
    );
  }

  override get model(): string {
    return this.options[0]!.model;
  }

  override get provider(): string {
    return this.options[0]!.provider;
  }

  stream(options?: { connOptions?: APIConnectOptions }): stt.SpeechStream {
    const stream = new ChainSpeechStream(this, options?.connOptions);
    if (this.#closed) stream.close();
    else this.#streams.add(stream);
    return stream;
  }

  /**
   * One-shot recognition: options in order (cooling ones skipped), each failure recorded, passes repeated with
   * backoff within the retry window like an LLM turn. Throws {@link RetriesExhaustedError} when the window is spent
   * (a caller awaits this result).
   */
  protected async _recognize(frame: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    const core = this.core;
    const episode = new Episode<'stt'>();
    const signal = abortSignal ?? new AbortController().signal;
    const pass = async (): Promise<stt.SpeechEvent> => {
      const order = await core.plan(episode.skipped);
      if (order.length === 0) throw core.cooledError();
      for (const option of order) {
        core.moveTo(option, episode.last);
        try {
          const event = await option.instance.recognize(frame, abortSignal);
          core.markHealthy(option);
          return event;
        } catch (error) {
          if (signal.aborted) throw error;
          const classified = core.classify(error, option);
          episode.record(option, classified);
          await core.recordFailure(option, classified);
        }
      }
      throw episode.last!.error;
    };
    try {
      return await runWithinWindow(pass, {
        window: new RetryWindow(core.retry, { startedAt: Date.now() }),
        signal,
        availableInMs: () => core.availableInMs(episode.skipped),
        onWait: ({ retry, delayMs }) => core.reportRetry(episode.last, retry, delayMs),
      });
    } catch (error) {
      if (signal.aborted) throw error;
      await core.reportExhausted(episode.errors, '');
      const errors = episode.errors.length > 0 ? episode.errors : [core.cooledError()];
      throw new RetriesExhaustedError('stt', errors, core.retry.windowMs);
    }
  }

  override async close(): Promise<void> {
    this.#closed = true;
    for (const stream of this.#streams) stream.close();
    this.#streams.clear();
    this.#unlisten();
    this.notices.removeAllListeners();
  }

  /** @internal */
  untrack(stream: ChainSpeechStream): void {
    this.#streams.delete(stream);
  }
}

type Outcome = 'ended' | 'aborted' | { error: ProviderError };

/** One live recognition through the chain (what `AgentSession` uses). */
class ChainSpeechStream extends stt.SpeechStream {
  label: string;
  readonly #chain: ChainSTT;
  readonly #connOptions: APIConnectOptions | undefined;
  #current: stt.SpeechStream | undefined;
  #inputEnded = false;
  /** Speech-level audio (ms) sent to the current option since its last event, and what to do when it is too much. */
  #unanswered = 0;
  #onDeaf: (() => void) | undefined;
  readonly #meter = new SpeechMeter();

  constructor(chain: ChainSTT, connOptions: APIConnectOptions | undefined) {
    super(chain, undefined, connOptions ?? DEFAULT_API_CONNECT_OPTIONS);
    this.#chain = chain;
    this.#connOptions = connOptions;
    this.label = `${chain.label}.stream`;
  }

  // Children's metrics reach the session through the chain's forwarding; do not count them twice.
  protected override async monitorMetrics(): Promise<void> {
    for await (const event of this.queue) {
      if (this.output.closed) continue;
      try {
        this.output.put(event);
      } catch {
        // closed while disconnecting
      }
    }
    if (!this.output.closed) this.output.close();
  }

  /**
   * Passes through the options until the input ends. A whole failed pass opens an outage (the user is told once that
   * the agent cannot hear them); the retry loop then waits with backoff between passes, keeps trying after the window
   * is spent, and the outage ends as soon as an option transcribes again.
   */
  protected async run(): Promise<void> {
    const core = this.#chain.core;
    const signal = this.abortSignal;
    const forwarding = this.#forwardInput();
    const onAbort = () => this.#current?.close();
    signal.addEventListener('abort', onAbort, { once: true });
    const window = new RetryWindow(core.retry, { persistent: true });
    let outage = new Episode<'stt'>();
    let last: LastFailure<'stt'> | undefined;
    const startedAt = Date.now();
    const pass = async (): Promise<void> => {
      for (;;) {
        const order = await core.plan(outage.skipped);
        const passErrors: ProviderError[] = [];
        for (const option of order) {
          if (signal.aborted) return;
          core.moveTo(option, last);
          const outcome = await this.#attempt(option, startedAt, () => {
            if (window.startedAt !== undefined) core.logger.info(`STT hears again after ${Date.now() - window.startedAt} ms`, {});
            window.reset();
            outage = new Episode();
            core.markHealthy(option);
          });
          if (outcome === 'ended' || outcome === 'aborted') return;
          last = { option, error: outcome.error };
          passErrors.push(outcome.error);
          await core.recordFailure(option, outcome.error);
          if (window.startedAt !== undefined) outage.record(option, outcome.error);
        }
        if (signal.aborted || this.#inputEnded) return;
        // Only streams that worked, then went deaf (see #attempt): a new connection is the cure (a socket closed
        // silently), and each such failure took `stallTimeoutMs` of speech, so trying again at once cannot spin.
        // Not an outage: the user is not told the agent cannot hear.
        if (passErrors.length > 0 && passErrors.every((error) => error.category === 'stall')) continue;
        throw last?.error ?? core.cooledError();
      }
    };
    try {
      await runWithinWindow(pass, {
        window,
        signal,
        // A whole pass failed: every option is down.
        onOpen: () => {
          if (last) outage.record(last.option, last.error);
          this.#notHearing();
        },
        onSpent: () =>
          void core.reportExhausted(
            outage.errors.length > 0 ? outage.errors : [core.cooledError()],
            `Still trying, every ${core.retry.maxDelayMs} ms at most.`,
          ),
        // Options skipped for this outage (auth, bad request) get another chance once the others were retried.
        availableInMs: async () => (await core.availableInMs(outage.skipped)) ?? (outage.skipped.clear(), await core.availableInMs()),
        onWait: ({ retry, delayMs }) => core.reportRetry(last, retry, delayMs),
      });
    } catch {
      // aborted: the stream closed
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#chain.untrack(this);
      this.#current?.close();
      void forwarding;
    }
  }

  /** Streams into one option until it ends or fails. `onHeard` runs at its first event. */
  async #attempt(option: ProviderOption<'stt'>, startedAt: number, onHeard: () => void): Promise<Outcome> {
    const core = this.#chain.core;
    const signal = this.abortSignal;
    let child: stt.SpeechStream;
    try {
      child = option.instance.stream({
        connOptions: { maxRetry: 0, retryIntervalMs: 0, timeoutMs: this.#connOptions?.timeoutMs ?? DEFAULT_API_CONNECT_OPTIONS.timeoutMs },
      });
    } catch (error) {
      return { error: core.classify(error, option) };
    }
    const failure = captureRunFailure(child);
    child.startTimeOffset = this.startTimeOffset + (Date.now() - startedAt) / 1000;
    // A streaming option with interim results answers speech within a second or so. One that stays silent while
    // `stallTimeoutMs` of speech-level audio (see SpeechMeter) went in is deaf (Deepgram's plugin 1.9 swallows a socket closed
    // mid-stream and keeps sending into it): close it and move on. VAD-segmented options (no interim results)
    // legitimately say nothing until the end of an utterance: not watched.
    let deaf = false;
    this.#unanswered = 0;
    this.#onDeaf = option.instance.capabilities.interimResults
      ? () => {
          deaf = true;
          child.close();
        }
      : undefined;
    this.#current = child;
    if (this.#inputEnded) endQuietly(child);
    let heard = false;
    try {
      for await (const event of child) {
        if (signal.aborted || this.queue.closed) break;
        // Usage reports are the plugin's own bookkeeping, not a sign of life from the provider.
        if (event.type !== stt.SpeechEventType.RECOGNITION_USAGE) this.#unanswered = 0;
        if (!heard) {
          heard = true;
          onHeard();
        }
        this.queue.put(event);
      }
    } finally {
      this.#current = undefined;
      this.#onDeaf = undefined;
      child.close();
    }
    if (signal.aborted || this.queue.closed) return 'aborted';
    if (deaf) {
      // Like the LLM chain: silent from the start is a timeout (a normal failure), silent after events a stall.
      const detail = `no event while ${core.retry.stallTimeoutMs} ms of speech were sent`;
      return { error: heard ? core.stallError(option, detail) : core.timeoutError(option, detail) };
    }
    if (failure.failed) return { error: core.classify(failure.error, option) };
    if (this.#inputEnded) return 'ended';
    return { error: core.classify(new Error('the stream ended while audio was still coming (connection closed)'), option) };
  }

  /** Copies this stream's audio into the current option's stream; audio during a switch is dropped. */
  async #forwardInput(): Promise<void> {
    for await (const item of this.input) {
      if (this.abortSignal.aborted) break;
      const current = this.#current;
      if (!current) continue;
      try {
        if (typeof item === 'symbol') current.flush();
        else {
          current.pushFrame(item as AudioFrame);
          if (this.#onDeaf) {
            this.#unanswered += this.#meter.speechMs(item as AudioFrame);
            if (this.#unanswered >= this.#chain.core.retry.stallTimeoutMs) this.#onDeaf();
          }
        }
      } catch {
        // the child closed between two frames: the run loop moves on
      }
    }
    this.#inputEnded = true;
    if (this.#current) endQuietly(this.#current);
  }

  #notHearing(): void {
    const { core, notHearing } = this.#chain;
    core.logger.warn('every STT option is down: the agent cannot hear the user', { spoken: Boolean(notHearing) });
    if (!notHearing) return;
    core.emit('holding', { modality: 'stt', reason: 'not_hearing', text: notHearing });
    try {
      this.#chain.notices.emit('not_hearing', { connOptions: this.#connOptions, text: notHearing });
    } catch (error) {
      core.logger.warn("a 'not_hearing' listener threw", { error: String(error) });
    }
  }
}

/**
 * What the deaf-stream check counts as speech on one call's audio: a frame whose RMS is above about -40 dBFS *and*
 * 1.5 times (3.5 dB) the line's noise floor. The floor follows the quietest frames (down at once, up about 3 % per
 * 20 ms), so steady noise (a fan, line hiss) becomes the floor within seconds: a provider that rightly hears no words
 * in it is not taken for deaf, while speech, which dips between syllables and words, keeps the floor below it.
 */
class SpeechMeter {
  /**
   * Starts at the speech gate (SPEECH_RMS) and learns the line's noise from there: a steady -30 dBFS hiss within about
   * 0.8 s, well inside any sensible stall timeout (5 s by default). Starting at the first frame's level instead would
   * make a caller who speaks from the first frame the floor, and delay catching a deaf stream.
   */
  #floor: number | undefined;

  /** The frame's length in ms if it is speech-level audio, else 0. */
  speechMs(frame: AudioFrame): number {
    const { data, samplesPerChannel, sampleRate } = frame;
    if (!samplesPerChannel || !sampleRate || data.length === 0) return 0;
    let energy = 0;
    for (let i = 0; i < data.length; i++) energy += data[i]! * data[i]!;
    const rms = Math.sqrt(energy / data.length);
    const ms = (samplesPerChannel / sampleRate) * 1000;
    const floor = Math.max(MIN_FLOOR, this.#floor ?? Math.min(rms, SPEECH_RMS));
    this.#floor = Math.max(MIN_FLOOR, Math.min(rms, floor * FLOOR_RISE ** (ms / 20)));
    return rms > SPEECH_RMS && rms > FLOOR_MARGIN * floor ? ms : 0;
  }
}

/** About -40 dBFS: quieter frames are never speech. */
const SPEECH_RMS = 300;
const MIN_FLOOR = 30;
const FLOOR_RISE = 1.03;
/** Steady noise stays within a few % of its mean from frame to frame; speech rises well above its own dips. */
const FLOOR_MARGIN = 1.5;

function endQuietly(stream: stt.SpeechStream): void {
  try {
    stream.endInput();
  } catch {
    // already ended or closed
  }
}

import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS, stt } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import EventEmitter from 'eventemitter3';
import { ProviderError, RetriesExhaustedError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { backoffDelay, delay } from './retry-schedule.js';
import { captureRunFailure, SpeechChainState, type SpeechChainOptions } from './speech-chain.js';

type AudioBuffer = Parameters<stt.STT['recognize']>[0];

export interface ChainSTTOptions extends SpeechChainOptions<'stt'> {
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
 * backoff of the LLM chain. A stream that fails moves to the next option at once (audio spoken during the switch is
 * lost); when every option is down it tells the session once (through `notices`, which `stack.attach()` turns into
 * `session.say(verbal.notHearing)`), keeps trying with backoff, and resumes as soon as an option transcribes again.
 * It never emits `error`: an unrecoverable `stt_error` closes the session at once.
 */
export class ChainSTT extends stt.STT {
  readonly options: readonly ProviderOption<'stt'>[];
  /** @internal */ readonly state: SpeechChainState<'stt'>;
  /** @internal */ readonly notHearing: string | undefined;
  /** Per-session notices (see {@link HearingNotice}). */
  readonly notices = new EventEmitter<ChainSTTNotices>();
  label: string;
  readonly #unlisten: (() => void)[] = [];
  readonly #streams = new Set<ChainSpeechStream>();
  #closed = false;

  constructor(init: ChainSTTOptions) {
    const state = new SpeechChainState('stt', init);
    const children = init.options.map((option) => option.instance);
    super({
      streaming: true,
      interimResults: children.some((child) => child.capabilities.interimResults),
      alignedTranscript: children.every((child) => child.capabilities.alignedTranscript === children[0]!.capabilities.alignedTranscript)
        ? (children[0]!.capabilities.alignedTranscript ?? false)
        : false,
    });
    this.state = state;
    this.options = init.options;
    this.notHearing = init.notHearing;
    this.label = `livekit-voice-stack.ChainSTT(${init.options.map((option) => option.label).join(' → ')})`;
    for (const child of new Set(children)) {
      // Children report failures as `error` events (which throw when nobody listens); each stream captures its own.
      const onError = () => undefined;
      const onMetrics = (metrics: Parameters<stt.STTCallbacks['metrics_collected']>[0]) => this.emit('metrics_collected', metrics);
      child.on('error', onError);
      child.on('metrics_collected', onMetrics);
      this.#unlisten.push(() => {
        child.off('error', onError);
        child.off('metrics_collected', onMetrics);
      });
    }
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
   * One-shot recognition: options in order (cooling ones skipped), each failure recorded. Throws the last
   * classified error when every option failed (a caller awaits this result).
   */
  protected async _recognize(frame: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    const order = await this.state.plan();
    const errors: ProviderError[] = [];
    for (const option of order) {
      try {
        const event = await option.instance.recognize(frame, abortSignal);
        void this.state.markHealthy(option);
        return event;
      } catch (error) {
        if (abortSignal?.aborted) throw error;
        const classified = this.state.classify(error, option);
        errors.push(classified);
        await this.state.recordFailure(option, classified);
        const next = order[order.indexOf(option) + 1];
        if (next) this.state.emit('fallback', { modality: 'stt', from: option.label, to: next.label, error: classified });
      }
    }
    const all = errors.length > 0 ? errors : [this.state.cooledError()];
    this.state.emit('exhausted', { modality: 'stt', errors: all });
    throw new RetriesExhaustedError('stt', all, 0);
  }

  override async close(): Promise<void> {
    this.#closed = true;
    for (const stream of this.#streams) stream.close();
    this.#streams.clear();
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
    this.notices.removeAllListeners();
  }

  /** @internal */
  untrack(stream: ChainSpeechStream): void {
    this.#streams.delete(stream);
  }
}

/** One outage of a stream: every option failed at least once, and none has transcribed since. */
interface Outage {
  startedAt: number;
  errors: ProviderError[];
  skipped: Set<ProviderOption<'stt'>>;
  waits: number;
  exhausted: boolean;
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

  protected async run(): Promise<void> {
    const { state } = this.#chain;
    const signal = this.abortSignal;
    const forwarding = this.#forwardInput();
    const onAbort = () => this.#current?.close();
    signal.addEventListener('abort', onAbort, { once: true });
    let outage: Outage | undefined;
    let last: { option: ProviderOption<'stt'>; error: ProviderError } | undefined;
    const startedAt = Date.now();
    try {
      while (!signal.aborted) {
        const order = await state.plan(outage?.skipped);
        const passErrors: ProviderError[] = [];
        for (const option of order) {
          if (signal.aborted) return;
          if (last && last.option !== option)
            state.emit('fallback', { modality: 'stt', from: last.option.label, to: option.label, error: last.error });
          const outcome = await this.#attempt(option, startedAt, () => {
            if (outage) this.#recovered(outage);
            outage = undefined;
            void state.markHealthy(option);
          });
          if (outcome === 'ended' || outcome === 'aborted') return;
          last = { option, error: outcome.error };
          passErrors.push(outcome.error);
          await state.recordFailure(option, outcome.error);
          if (outage) {
            outage.errors.push(outcome.error);
            if (!outcome.error.isRetryable) outage.skipped.add(option);
          }
        }
        if (signal.aborted || this.#inputEnded) return;
        // Only streams that worked, then went deaf (see #attempt): a new connection is the cure (a socket closed
        // silently), and each such failure took `stallTimeoutMs` of speech, so trying again at once cannot spin.
        // Not an outage: the user is not told the agent cannot hear.
        if (passErrors.length > 0 && passErrors.every((error) => error.category === 'stall')) continue;
        // A whole pass failed: every option is down.
        if (!outage) {
          outage = { startedAt: Date.now(), errors: last ? [last.error] : [], skipped: new Set(), waits: 0, exhausted: false };
          if (last && !last.error.isRetryable) outage.skipped.add(last.option);
          this.#notHearing();
        }
        if (!outage.exhausted && Date.now() - outage.startedAt >= state.retry.windowMs) {
          outage.exhausted = true;
          const errors = outage.errors.length > 0 ? outage.errors : [state.cooledError()];
          state.logger.warn(
            `${new RetriesExhaustedError('stt', errors, state.retry.windowMs).message} Still trying, every ${state.retry.maxDelayMs} ms at most.`,
            {},
          );
          state.emit('exhausted', { modality: 'stt', errors });
        }
        // Options skipped for this outage (auth, bad request) get another chance once the others were retried.
        const availableIn = (await state.availableInMs(outage.skipped)) ?? (outage.skipped.clear(), await state.availableInMs());
        const delayMs = Math.max(Math.min(availableIn ?? 0, state.retry.maxDelayMs), backoffDelay(state.retry, outage.waits++));
        const option = last?.option ?? state.options[0]!;
        state.logger.info(`every STT option failed; trying again in ${delayMs} ms`, {
          attempt: outage.waits,
          delayMs,
          label: option.label,
        });
        state.emit('retry', {
          modality: 'stt',
          provider: option.provider,
          model: option.model,
          attempt: outage.waits,
          delayMs,
          error: last?.error ?? state.cooledError(),
        });
        await delay(delayMs, signal).catch(() => undefined);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#chain.untrack(this);
      this.#current?.close();
      void forwarding;
    }
  }

  /** Streams into one option until it ends or fails. `onHeard` runs at its first event. */
  async #attempt(option: ProviderOption<'stt'>, startedAt: number, onHeard: () => void): Promise<Outcome> {
    const { state } = this.#chain;
    const signal = this.abortSignal;
    let child: stt.SpeechStream;
    try {
      child = option.instance.stream({
        connOptions: { maxRetry: 0, retryIntervalMs: 0, timeoutMs: this.#connOptions?.timeoutMs ?? DEFAULT_API_CONNECT_OPTIONS.timeoutMs },
      });
    } catch (error) {
      return { error: state.classify(error, option) };
    }
    const failure = captureRunFailure(child);
    child.startTimeOffset = this.startTimeOffset + (Date.now() - startedAt) / 1000;
    // A streaming option with interim results answers speech within a second or so. One that stays silent while
    // `stallTimeoutMs` of speech-level audio went in is deaf (Deepgram's plugin 1.9 swallows a socket closed
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
      const what = heard ? 'stalled mid-stream' : 'timed out before the first event';
      return {
        error: new ProviderError(
          `Failed to get an STT reply from ${option.label}: ${what} (no event while ${state.retry.stallTimeoutMs} ms of speech were sent).`,
          {
            category: heard ? 'stall' : 'timeout',
            modality: 'stt',
            label: option.label,
          },
        ),
      };
    }
    if (failure.failed) return { error: state.classify(failure.error, option) };
    if (this.#inputEnded) return 'ended';
    return { error: state.classify(new Error('the stream ended while audio was still coming (connection closed)'), option) };
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
            this.#unanswered += speechMs(item as AudioFrame);
            if (this.#unanswered >= this.#chain.state.retry.stallTimeoutMs) this.#onDeaf();
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
    const { state, notHearing } = this.#chain;
    state.logger.warn('every STT option is down: the agent cannot hear the user', { spoken: Boolean(notHearing) });
    if (!notHearing) return;
    state.emit('holding', { modality: 'stt', reason: 'not_hearing', text: notHearing });
    try {
      this.#chain.notices.emit('not_hearing', { connOptions: this.#connOptions, text: notHearing });
    } catch (error) {
      state.logger.warn("a 'not_hearing' listener threw", { error: String(error) });
    }
  }

  #recovered(outage: Outage): void {
    this.#chain.state.logger.info(`STT hears again after ${Date.now() - outage.startedAt} ms`, {});
  }
}

/** The frame's length in ms if it is speech-level audio (RMS above about -40 dBFS), else 0. */
function speechMs(frame: AudioFrame): number {
  const { data, samplesPerChannel, sampleRate } = frame;
  if (!samplesPerChannel || !sampleRate) return 0;
  let energy = 0;
  for (let i = 0; i < data.length; i++) energy += data[i]! * data[i]!;
  return Math.sqrt(energy / data.length) > 300 ? (samplesPerChannel / sampleRate) * 1000 : 0;
}

function endQuietly(stream: stt.SpeechStream): void {
  try {
    stream.endInput();
  } catch {
    // already ended or closed
  }
}

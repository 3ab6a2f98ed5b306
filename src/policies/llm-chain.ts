import { type APIConnectOptions, llm } from '@livekit/agents';
import { type ProviderError, VoiceStackError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { runAsMainTask } from '../providers/livekit-internals.js';
import { ChainCore, type ChainSettings, Episode, listenToChildren } from './chain-core.js';
import { ResponseProgress } from '../providers/response-progress.js';
import { HedgeRace, type Opened } from './hedge-race.js';
import { ChunkQueue } from './chunk-queue.js';
import { Attempt, type AttemptStream, type ChildRequest, timeoutOf } from './llm-attempt.js';
import { ReplyClock } from './reply-clock.js';
import { RetryWindow, runWithinWindow } from './retry-schedule.js';
import type { VerbalPolicy } from './verbal-policy.js';

export { DEFAULT_COOLDOWN_MS, DEFAULT_DEMOTION_MS } from './chain-core.js';
export { DEFAULT_FIRST_TOKEN_TIMEOUT_MS } from './llm-attempt.js';

export interface ChainLLMSettings extends ChainSettings<'llm'> {
  /** The spoken policy, or `undefined` when `verbal: false`. */
  verbal: VerbalPolicy | undefined;
}

type ChatOptions = Parameters<llm.LLM['chat']>[0];

/**
 * The LLM chain: one `llm.LLM` over the options of the `llm` slot, with the retry window, shared cooldowns and the
 * spoken policy (docs/architecture.md, "The chain's rules"). Its streams never fail towards the session: when
 * the window is spent they yield the apology and end cleanly. The options' instances stay owned by the caller.
 */
export class ChainLLM extends llm.LLM {
  readonly options: readonly ProviderOption<'llm'>[];
  /** @internal The chain's state and bookkeeping (cooldowns, order, events). */
  readonly core: ChainCore<'llm'>;
  /** @internal */
  readonly verbal: VerbalPolicy | undefined;
  /** @internal Owns the chain's own streams, so their bookkeeping metrics and errors do not reach the session. */
  readonly sink: llm.LLM;
  readonly #streams = new Set<ChainLLMStream>();
  readonly #unlisten: () => void;
  #closed = false;

  constructor(init: ChainLLMSettings) {
    super();
    this.core = new ChainCore('llm', init);
    this.options = init.options;
    this.verbal = init.verbal;
    this.sink = new ChainStreamOwner(this);
    this.#unlisten = listenToChildren(
      init.options.map((option) => option.instance as llm.LLM),
      (metrics: Parameters<llm.LLMCallbacks['metrics_collected']>[0]) => this.emit('metrics_collected', metrics),
    );
  }

  label(): string {
    return `livekit-voice-stack.ChainLLM(${this.options.map((option) => option.label).join(' → ')})`;
  }

  override get model(): string {
    return this.options[0]!.model;
  }

  override get provider(): string {
    return this.options[0]!.provider;
  }

  chat(options: ChatOptions): llm.LLMStream {
    const { chatCtx, toolCtx, toolChoice, parallelToolCalls, extraKwargs } = options;
    const request: ChildRequest = {
      chatCtx: this.verbal ? this.verbal.stripFromContext(chatCtx) : chatCtx,
      ...(toolCtx !== undefined && { toolCtx }),
      ...(toolChoice !== undefined && { toolChoice }),
      ...(parallelToolCalls !== undefined && { parallelToolCalls }),
      ...(extraKwargs !== undefined && { extraKwargs }),
    };
    const startedAt = Date.now();
    // Start the first attempt before our own stream: LLMStream defers its work with setTimeout(0), and nesting
    // would pay that twice on the healthy path (docs/architecture.md, "Measured facts").
    const plan = this.core.planNow(undefined, startedAt);
    // What the turn's responses stream (tool call fragments the plugin holds back), for the timers below.
    const progress = new ResponseProgress();
    const first =
      plan && plan.length > 0 && !this.#closed ? { attempt: new Attempt(plan[0]!, request, startedAt, progress), plan } : undefined;
    return new ChainLLMStream(this, {
      chatCtx,
      toolCtx,
      connOptions: options.connOptions ?? { maxRetry: 0, timeoutMs: 10_000, retryIntervalMs: 0 },
      request,
      first,
      startedAt,
      progress,
    });
  }

  override prewarm(): void {
    const first = this.options.find((option) => !option.lastResort) ?? this.options[0]!;
    (first.instance as llm.LLM).prewarm();
  }

  override async aclose(): Promise<void> {
    this.#closed = true;
    for (const stream of this.#streams) stream.close();
    this.#streams.clear();
    this.#unlisten();
    await super.aclose();
  }

  /** @internal */
  track(stream: ChainLLMStream, active: boolean): void {
    if (active && !this.#closed) this.#streams.add(stream);
    else this.#streams.delete(stream);
  }
}

/** The LLM the chain's own streams report to: nobody listens, so the session counts each turn's usage once (from the child). */
class ChainStreamOwner extends llm.LLM {
  readonly #chain: ChainLLM;
  constructor(chain: ChainLLM) {
    super();
    this.#chain = chain;
    this.on('error', () => undefined);
  }
  label(): string {
    return this.#chain.label();
  }
  override get model(): string {
    return this.#chain.model;
  }
  override get provider(): string {
    return this.#chain.provider;
  }
  chat(): llm.LLMStream {
    throw new VoiceStackError(
      'INVALID_USE',
      'Failed to chat: this is the chain’s internal stream owner. Fix: call chat() on the ChainLLM.',
    );
  }
}

/** The attempt `chat()` started before its stream, and the pass order it planned (the attempt's option first). */
interface FirstAttempt {
  attempt: Attempt;
  plan: ProviderOption<'llm'>[];
}

/** One turn's failures, and what the spoken policy already did. */
class Turn extends Episode<'llm'> {
  firstToken = false;
  holdingSaid = false;
}

type Outcome = 'done' | 'aborted' | { error: ProviderError; afterTokens: boolean };

/** The abort reason of a closed chain stream (nothing reads it: a closed turn ends quietly). */
const STREAM_CLOSED = new DOMException('The LLM stream was closed.', 'AbortError');

class PassFailedError extends Error {
  override readonly name = 'PassFailedError';
}

/** One turn through the chain. */
class ChainLLMStream extends llm.LLMStream {
  readonly #chain: ChainLLM;
  readonly #core: ChainCore<'llm'>;
  readonly #request: ChildRequest;
  readonly #startedAt: number;
  readonly #progress: ResponseProgress;
  /** The first pass's attempt, started by `chat()`, with the order `chat()` planned (a turn plans its first pass once). */
  #first: FirstAttempt | undefined;
  #holdingTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #reply = new ChunkQueue<llm.ChatChunk>();
  /** The attempt's stream being read into the reply. */
  #reading: AttemptStream | undefined;

  constructor(
    chain: ChainLLM,
    init: {
      chatCtx: llm.ChatContext;
      toolCtx: llm.ToolContextLike | undefined;
      connOptions: APIConnectOptions;
      request: ChildRequest;
      first: FirstAttempt | undefined;
      startedAt: number;
      progress: ResponseProgress;
    },
  ) {
    super(chain.sink, {
      chatCtx: init.chatCtx,
      ...(init.toolCtx !== undefined && { toolCtx: init.toolCtx }),
      connOptions: init.connOptions,
    });
    this.#chain = chain;
    this.#core = chain.core;
    this.#request = init.request;
    this.#first = init.first;
    this.#startedAt = init.startedAt;
    this.#progress = init.progress;
    chain.track(this, true);
    // The child's stream already does, for this turn, what LiveKit's stream machinery would do again here: a request
    // task with a retry loop, tracing spans and GenAI attributes (which serialise the whole chat context) and a
    // metrics monitor that copies every chunk from one queue to another and reports metrics nobody listens to (see
    // ChainStreamOwner). This stream runs run() bare and hands chunks to the session through one light queue
    // (docs/architecture.md, "Measured facts"). Should a LiveKit version rename its request task, the stream keeps
    // working through LiveKit's own, which calls the same `run()` (and `run()` ends the reply either way).
    runAsMainTask(this, () => this.run());
  }

  /** Not LiveKit's monitor: nothing passes through `queue`, and `run()` ends the reply itself. */
  protected override async monitorMetrics(): Promise<void> {}

  /** Ends the reply and the attempt it is reading (the session interrupted the turn, or the chain closed). */
  override close(): void {
    // What LiveKit's close() does, with a reason made once: `abort()` without one builds a DOMException and its stack
    // trace at every call, and the session closes every turn's stream (measured: 15 to 45 µs a turn).
    this.abortController.abort(STREAM_CLOSED);
    this.#reply.close();
    this.#reading?.close();
  }

  /** The reply, as the session reads it: from {@link ChunkQueue}, not LiveKit's `output`. */
  override next(): Promise<IteratorResult<llm.ChatChunk>> {
    return this.#reply.next();
  }

  /** Hands a chunk to the session (dropped once the stream is closed). */
  #put(chunk: llm.ChatChunk): void {
    this.#reply.put(chunk);
  }

  protected async run(): Promise<void> {
    const verbal = this.#chain.verbal;
    const core = this.#core;
    const turn = new Turn();
    const signal = this.abortController.signal;
    if (verbal) {
      this.#holdingTimer = setTimeout(() => this.#hold(turn, 'slow'), Math.max(0, this.#startedAt + verbal.holdingAfterMs - Date.now()));
    }
    try {
      await runWithinWindow((passNumber) => this.#pass(passNumber, turn), {
        window: new RetryWindow(core.retry, { startedAt: this.#startedAt }),
        signal,
        availableInMs: () => core.availableInMs(turn.skipped),
        onWait: ({ retry: attempt, delayMs }) => {
          core.reportRetry(turn.last, attempt, delayMs);
          this.#hold(turn, 'waiting');
        },
      });
    } catch {
      if (!signal.aborted) await this.#exhaust(turn);
    } finally {
      clearTimeout(this.#holdingTimer);
      this.#first?.attempt.stream.close();
      this.#first = undefined;
      this.#chain.track(this, false);
      this.#reply.close();
    }
  }

  async #pass(passNumber: number, turn: Turn): Promise<void> {
    const core = this.#core;
    const first = this.#first?.attempt;
    const order = this.#first?.plan ?? (await core.plan(turn.skipped));
    this.#first = undefined;
    if (order.length === 0) throw new PassFailedError('no option available');
    // Checked once per pass: without hedgeAfterMs the pass below runs exactly as before (no timer, no race).
    const hedgeAfterMs = core.retry.hedgeAfterMs;
    if (hedgeAfterMs !== undefined) return this.#hedgedPass(passNumber, order, first, hedgeAfterMs, turn);
    for (const option of order) {
      if (this.abortController.signal.aborted) return;
      core.moveTo(option, turn.last);
      const attempt = first?.option === option ? first : new Attempt(option, this.#request, undefined, this.#progress);
      const outcome = await this.#consume(attempt, turn);
      if (outcome === 'done' || outcome === 'aborted') return;
      await this.#recordFailure(option, outcome, turn);
      // Part of the reply was already streamed (and heard): end the turn rather than repeat it from another option.
      if (outcome.afterTokens) return;
    }
    throw new PassFailedError(`pass ${passNumber} failed`);
  }

  /**
   * A pass with hedging: the race to the first token ({@link HedgeRace}) picks the attempt, then it streams as usual
   * (a failure from then on is after tokens and ends the turn).
   */
  async #hedgedPass(
    passNumber: number,
    order: ProviderOption<'llm'>[],
    first: Attempt | undefined,
    hedgeAfterMs: number,
    turn: Turn,
  ): Promise<void> {
    const core = this.#core;
    const race = new HedgeRace(order, first, {
      hedgeAfterMs,
      stallTimeoutMs: core.retry.stallTimeoutMs,
      progress: this.#progress,
      request: this.#request,
      signal: this.abortController.signal,
      onCurrent: (option) => core.moveTo(option, turn.last),
      onHedge: (option, current) =>
        core.logger.info(`LLM option ${current.label}: no first token after ${hedgeAfterMs} ms; hedging with ${option.label}`, {
          label: current.label,
          hedge: option.label,
          hedgeAfterMs,
        }),
      onFailure: (option, error) => this.#recordFailure(option, { error, afterTokens: false }, turn),
      onFirstToken: (option) => this.#onFirstToken(option, turn),
      onCancel: (option, winner) =>
        core.logger.info(`LLM option ${winner.label} answered first; cancelled the hedge to ${option.label}`, {
          label: option.label,
          winner: winner.label,
        }),
    });
    const opened = await race.run();
    if (opened === 'aborted') return;
    if (!opened) throw new PassFailedError(`pass ${passNumber} failed`);
    const outcome = await this.#consume(opened.attempt, turn, opened);
    if (outcome === 'done' || outcome === 'aborted') return;
    // The first token came before: this failure is after tokens, the turn ends with what was said.
    await this.#recordFailure(opened.attempt.option, outcome, turn);
  }

  /**
   * Streams one attempt into the reply; stops it when no first token comes in time or the stream stalls.
   * `opened`: what a hedging race already read from the stream (up to and including the first token).
   */
  async #consume(attempt: Attempt, turn: Turn, opened?: Opened): Promise<Outcome> {
    const { stream, option } = attempt;
    const core = this.#core;
    const { stallTimeoutMs } = core.retry;
    const signal = this.abortController.signal;
    if (signal.aborted) {
      stream.close();
      return 'aborted';
    }
    let gotToken = opened?.gotToken ?? false;
    const clock = new ReplyClock(attempt, stallTimeoutMs, gotToken);
    if (opened) for (const chunk of opened.chunks) this.#put(chunk);
    this.#reading = stream; // close() closes it
    let drained = false;
    try {
      for await (const chunk of stream) {
        if (signal.aborted) break;
        if (gotToken) {
          clock.chunk();
        } else if (llm.hasResponse(chunk)) {
          gotToken = true;
          this.#onFirstToken(option, turn);
          clock.answered();
        }
        this.#put(chunk);
      }
      drained = !signal.aborted && clock.expired === undefined && attempt.error === undefined;
    } catch (error) {
      attempt.error ??= error;
    } finally {
      clock.stop();
      this.#reading = undefined;
      // A stream that answered to its end has finished its request: closing it would only abort a finished request
      // (two `DOMException`s with their stack traces, measured: about 30 µs a turn).
      if (!drained) stream.close();
    }
    const expired = clock.expired;
    if (signal.aborted) return 'aborted';
    if (expired === 'timeout')
      return { error: core.timeoutError(option, `no first token within ${timeoutOf(option)} ms`), afterTokens: gotToken };
    if (expired === 'stall') return { error: core.stallError(option, `no token for ${stallTimeoutMs} ms`), afterTokens: gotToken };
    if (attempt.error !== undefined) return { error: core.classify(attempt.error, option), afterTokens: gotToken };
    return 'done';
  }

  #onFirstToken(option: ProviderOption<'llm'>, turn: Turn): void {
    turn.firstToken = true;
    this.#progress.answered();
    clearTimeout(this.#holdingTimer);
    this.#core.markHealthy(option);
  }

  async #recordFailure(option: ProviderOption<'llm'>, outcome: { error: ProviderError; afterTokens: boolean }, turn: Turn): Promise<void> {
    const { error, afterTokens } = outcome;
    turn.record(option, error);
    await this.#core.recordFailure(option, error, afterTokens ? ' mid-reply; ending the turn' : '', { afterTokens });
  }

  /** Says the holding phrase as the reply's first words, once per turn. */
  #hold(turn: Turn, reason: 'waiting' | 'slow'): void {
    const verbal = this.#chain.verbal;
    if (!verbal || turn.holdingSaid || turn.firstToken || this.abortController.signal.aborted) return;
    // A provider streaming a tool call is answering, not slow: no holding phrase in front of its answer.
    if (reason === 'slow' && this.#progress.streaming(this.#core.retry.stallTimeoutMs)) return;
    turn.holdingSaid = true;
    const text = verbal.pickHolding(this.chatCtx);
    if (!text) return;
    this.#put({ id: 'livekit-voice-stack-holding', delta: { role: 'assistant', content: `${text} ` } });
    this.#core.logger.info(`LLM reply delayed (${reason}): saying the holding phrase`, { reason });
    this.#core.emit('holding', { modality: 'llm', reason, text });
  }

  async #exhaust(turn: Turn): Promise<void> {
    const verbal = this.#chain.verbal;
    await this.#core.reportExhausted(turn.errors, '', { spoken: Boolean(verbal) });
    if (verbal && !this.abortController.signal.aborted) {
      this.#put({ id: 'livekit-voice-stack-apology', delta: { role: 'assistant', content: verbal.apology } });
    }
  }
}

import { llm } from '@livekit/agents';
import type { ProviderError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { expiredError } from './chain-core.js';
import { classifyError } from './classify-error.js';
import type { ResponseProgress } from '../providers/response-progress.js';
import { Attempt, type ChildRequest, timeoutOf } from './llm-attempt.js';

type Option = ProviderOption<'llm'>;

/** What the race read from the attempt that won it; the caller streams the rest. */
export interface Opened {
  attempt: Attempt;
  /** The chunks read so far: up to and including the first token, or every chunk when the stream ended without one. */
  chunks: llm.ChatChunk[];
  /** `chunks` holds the first token (false: the stream ended cleanly with neither text nor tool call). */
  gotToken: boolean;
}

export interface HedgeRaceOptions {
  /**
   * Start the next option when the current one has produced no first token this long after its request started, and
   * is not streaming (a tool call's fragments: the plugin yields the call only when complete).
   */
  hedgeAfterMs: number;
  /** How recent a streamed event must be for an option to count as answering; silence this long is a stall. */
  stallTimeoutMs: number;
  /** The turn's progress, which every attempt of the race ticks. */
  progress?: ResponseProgress | undefined;
  /** The same context, tools and tool choice for every option. */
  request: ChildRequest;
  /** The reply was closed: cancel everything. */
  signal: AbortSignal;
  /** The chain is now on `option` (the pass's first, the next after a failure, or a hedge that took over). */
  onCurrent(option: Option): void;
  /** A hedge to `option` starts beside `current`. */
  onHedge(option: Option, current: Option): void;
  /** `option` failed before its first token; an original that lost to its hedge fails with a `timeout`. */
  onFailure(option: Option, error: ProviderError): Promise<void>;
  /** `option` won: called as soon as its first token is read, before anything else. */
  onFirstToken(option: Option): void;
  /** `option`, a hedge still without a first token, was cancelled because `winner` answered first. */
  onCancel(option: Option, winner: Option): void;
}

/**
 * The first-token phase of one pass with `retry.hedgeAfterMs`: options run in the pass's order, a failure before
 * the first token moves to the next at once (as without hedging), and when the current option has produced no first
 * token `hedgeAfterMs` after its request started, the next option starts beside it (one hedge at a time). The first
 * of them to produce a token wins; the other's stream is closed, which aborts its HTTP request.
 */
export class HedgeRace {
  readonly #order: readonly Option[];
  readonly #first: Attempt | undefined;
  readonly #options: HedgeRaceOptions;
  #index = 0;

  constructor(order: readonly Option[], first: Attempt | undefined, options: HedgeRaceOptions) {
    this.#order = order;
    this.#first = first;
    this.#options = options;
  }

  /** The winner, `undefined` when every option of the pass failed before its first token, or `'aborted'`. */
  async run(): Promise<Opened | 'aborted' | undefined> {
    const { signal, hedgeAfterMs } = this.#options;
    let onAbort = () => undefined as void;
    const aborted = new Promise<'aborted'>((resolve) => (onAbort = () => resolve('aborted')));
    signal.addEventListener('abort', onAbort, { once: true });
    let current = this.#next();
    let hedge: Runner | undefined;
    let noHedge: Runner | undefined;
    try {
      while (current) {
        const hedgeInMs =
          hedge || noHedge === current || this.#index >= this.#order.length
            ? undefined
            : current.attempt.startedAt + hedgeAfterMs - Date.now();
        const timer = hedgeInMs === undefined ? undefined : wait(hedgeInMs);
        const settled = await Promise.race([
          aborted,
          current.settled,
          ...(hedge ? [hedge.settled] : []),
          ...(timer ? [timer.promise] : []),
        ]);
        timer?.cancel();
        if (settled === 'aborted' || signal.aborted) {
          current.cancel();
          hedge?.cancel();
          return 'aborted';
        }
        if (settled === 'hedge') {
          // The current option is streaming (a tool call): it is answering, and a hedge would race it with another
          // model's plain reply. No hedge for this attempt; its own timeouts still apply.
          if (current.attempt.progress.streaming(this.#options.stallTimeoutMs)) {
            noHedge = current;
            continue;
          }
          const option = this.#order[this.#index++]!;
          this.#options.onHedge(option, current.option);
          hedge = this.#runner(new Attempt(option, this.#options.request, undefined, this.#options.progress));
          continue;
        }
        const runner = settled;
        if (runner.answered) {
          if (runner.gotToken) this.#options.onFirstToken(runner.option);
          const loser = runner === current ? hedge : current;
          loser?.cancel();
          if (runner === hedge) {
            // The original is not broken for sure, only slower: a `timeout`, which demotes it like one.
            await this.#options.onFailure(current.option, hedged(current.option, hedgeAfterMs, runner.option));
            this.#options.onCurrent(runner.option);
          } else if (loser) {
            this.#options.onCancel(loser.option, runner.option);
          }
          return { attempt: runner.attempt, chunks: runner.chunks, gotToken: runner.gotToken };
        }
        await this.#options.onFailure(runner.option, runner.error());
        if (runner === hedge) {
          hedge = undefined; // the original goes on
        } else if (hedge) {
          current = hedge; // no second request to the option already running
          hedge = undefined;
          this.#options.onCurrent(current.option);
        } else {
          current = signal.aborted ? undefined : this.#next();
        }
      }
      return signal.aborted ? 'aborted' : undefined;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Moves to the next option of the pass and starts it (the eager first attempt is reused). */
  #next(): Runner | undefined {
    const option = this.#order[this.#index++];
    if (!option) return undefined;
    this.#options.onCurrent(option);
    return this.#runner(
      this.#first?.option === option ? this.#first : new Attempt(option, this.#options.request, undefined, this.#options.progress),
    );
  }

  #runner(attempt: Attempt): Runner {
    return new Runner(attempt, this.#options.stallTimeoutMs);
  }
}

/** Reads one attempt up to its first token (or its end), within the option's first-token timeout. */
class Runner {
  readonly chunks: llm.ChatChunk[] = [];
  readonly settled: Promise<Runner>;
  gotToken = false;
  #expired: 'timeout' | 'stall' | undefined;
  #timer: ReturnType<typeof setTimeout>;

  constructor(
    readonly attempt: Attempt,
    stallTimeoutMs: number,
  ) {
    // No first token in time: unless the response is streaming (a tool call), which only a silence ends.
    const deadline = () => {
      if (attempt.progress.streaming(stallTimeoutMs)) {
        this.#timer = setTimeout(deadline, stallTimeoutMs);
        return;
      }
      this.#expired = attempt.progress.lastDataAt === undefined ? 'timeout' : 'stall';
      attempt.stream.close();
    };
    this.#timer = setTimeout(deadline, Math.max(0, attempt.startedAt + timeoutOf(attempt.option) - Date.now()));
    this.settled = this.#read();
  }

  get option(): Option {
    return this.attempt.option;
  }

  /** It produced a first token, or ended cleanly without one (an empty reply is still the model's answer). */
  get answered(): boolean {
    return this.gotToken || (!this.#expired && this.attempt.error === undefined);
  }

  error(): ProviderError {
    const { option } = this.attempt;
    if (this.#expired === 'stall') return expiredError('stall', 'llm', option.label, 'the streamed response went silent');
    if (this.#expired) return expiredError('timeout', 'llm', option.label, `no first token within ${timeoutOf(option)} ms`);
    return classifyError(this.attempt.error, { modality: 'llm', label: option.label, option });
  }

  /** Closes the stream (aborting its HTTP request); its reader then ends on its own. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.attempt.stream.close();
  }

  async #read(): Promise<Runner> {
    try {
      for (;;) {
        const { done, value } = await this.attempt.stream.next();
        if (done) break;
        this.chunks.push(value);
        if (llm.hasResponse(value)) {
          this.gotToken = true;
          break;
        }
      }
    } catch (error) {
      this.attempt.error ??= error;
    } finally {
      clearTimeout(this.#timer);
    }
    return this;
  }
}

/** The error a slow original is reported with when its hedge answered first. */
function hedged(option: Option, hedgeAfterMs: number, winner: Option): ProviderError {
  return expiredError('timeout', 'llm', option.label, `hedged after ${hedgeAfterMs} ms, ${winner.label} answered first`);
}

/** A cancellable timer as a promise. */
function wait(ms: number): { promise: Promise<'hedge'>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<'hedge'>((resolve) => (timer = setTimeout(() => resolve('hedge'), Math.max(0, ms))));
  return { promise, cancel: () => clearTimeout(timer) };
}

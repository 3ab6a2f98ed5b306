import { type Attempt, timeoutOf } from './llm-attempt.js';

/**
 * The deadlines of one attempt's reply: its first token within the option's `timeoutMs`, then no silence of
 * `stallTimeoutMs` between chunks. When one runs out it closes the attempt's stream and says which (`expired`).
 *
 * No first token in time is a `timeout`, unless the provider is streaming (a tool call's arguments, which the plugin
 * yields only when complete): then it is answering, and only a silence of `stallTimeoutMs` ends it, as a `stall`.
 * After the first token a chunk only notes its time and the timer compares when it fires: resetting a timer for
 * every chunk costs a timer-list insertion each time.
 */
export class ReplyClock {
  /** Which deadline ran out, if one did. */
  expired: 'timeout' | 'stall' | undefined;
  readonly #attempt: Attempt;
  readonly #stallTimeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastChunkAt = 0;

  /** `answering`: the first token already came (a hedging race read it), so only the stall clock runs. */
  constructor(attempt: Attempt, stallTimeoutMs: number, answering: boolean) {
    this.#attempt = attempt;
    this.#stallTimeoutMs = stallTimeoutMs;
    if (answering) this.answered();
    else this.#timer = setTimeout(ReplyClock.#firstTokenDue, Math.max(0, attempt.startedAt + timeoutOf(attempt.option) - Date.now()), this);
  }

  /** The first token came: from now on the clock watches for a stall. */
  answered(): void {
    clearTimeout(this.#timer);
    this.#lastChunkAt = Date.now();
    this.#timer = setTimeout(ReplyClock.#stallDue, this.#stallTimeoutMs, this);
  }

  /** A chunk came after the first token. */
  chunk(): void {
    this.#lastChunkAt = Date.now();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #expire(kind: 'timeout' | 'stall'): void {
    this.expired = kind;
    this.#attempt.stream.close();
  }

  // Static, with the clock as the timer's argument: no closure per attempt.
  static #firstTokenDue(clock: ReplyClock): void {
    const { progress } = clock.#attempt;
    if (progress.streaming(clock.#stallTimeoutMs)) clock.#timer = setTimeout(ReplyClock.#firstTokenDue, clock.#stallTimeoutMs, clock);
    else clock.#expire(progress.lastDataAt === undefined ? 'timeout' : 'stall');
  }

  static #stallDue(clock: ReplyClock): void {
    const silentMs = Date.now() - clock.#lastChunkAt;
    if (silentMs >= clock.#stallTimeoutMs) clock.#expire('stall');
    else clock.#timer = setTimeout(ReplyClock.#stallDue, clock.#stallTimeoutMs - silentMs, clock);
  }
}

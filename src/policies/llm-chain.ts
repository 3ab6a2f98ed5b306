import { type APIConnectOptions, llm } from '@livekit/agents';
import type EventEmitter from 'eventemitter3';
import type { ResolvedRetryOptions } from '../config/policy-config.js';
import { type ErrorCategory, ProviderError, RetriesExhaustedError } from '../errors/index.js';
import type { Logger } from '../config/logger.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { VoiceStackEvents } from './events.js';
import { classifyError } from './classify-error.js';
import { type CooldownEntry, type CooldownStore, isHardCooldown, MemoryCooldownStore } from './cooldown-store.js';
import { HedgeRace, type Opened } from './hedge-race.js';
import { Attempt, type ChildRequest, timeoutOf } from './llm-attempt.js';
import { runWithinWindow } from './retry-schedule.js';
import type { VerbalPolicy } from './verbal-policy.js';

/** How long a 429 or 402 without `Retry-After` cools its option, in ms. */
export const DEFAULT_COOLDOWN_MS = 30_000;
/** How long an option that failed otherwise (5xx, timeout, stall …) is tried after the healthy ones, in ms. */
export const DEFAULT_DEMOTION_MS = 30_000;
export { DEFAULT_FIRST_TOKEN_TIMEOUT_MS } from './llm-attempt.js';

export interface ChainLLMOptions {
  /** The options, in the config's order. */
  options: readonly ProviderOption<'llm'>[];
  retry: ResolvedRetryOptions;
  /** The spoken policy, or `undefined` when `verbal: false`. */
  verbal: VerbalPolicy | undefined;
  logger: Logger;
  /** Where `retry`, `fallback`, `holding`, `exhausted` and `recovered` are emitted. */
  events?: EventEmitter<VoiceStackEvents> | undefined;
  /** Shared cooldowns. @default a new {@link MemoryCooldownStore} */
  cooldowns?: CooldownStore | undefined;
  /** Cooldown after a 429/402 without `Retry-After`, in ms. @default 30000 */
  defaultCooldownMs?: number;
  /** How long another failure puts an option after the healthy ones, in ms. @default 30000 */
  demotionMs?: number;
}

type ChatOptions = Parameters<llm.LLM['chat']>[0];

/**
 * The LLM chain: one `llm.LLM` over the options of the `llm` slot, with the retry window, shared cooldowns and the
 * spoken policy of design.md ("The chain and the retry window"). Its streams never fail towards the session: when
 * the window is spent they yield the apology and end cleanly. The options' instances stay owned by the caller.
 */
export class ChainLLM extends llm.LLM {
  readonly options: readonly ProviderOption<'llm'>[];
  /** @internal */ readonly settings: Required<Omit<ChainLLMOptions, 'options' | 'verbal' | 'events'>> &
    Pick<ChainLLMOptions, 'verbal' | 'events'>;
  /** @internal Owns the chain's own streams, so their bookkeeping metrics and errors do not reach the session. */
  readonly sink: llm.LLM;
  readonly #streams = new Set<ChainLLMStream>();
  readonly #unlisten: (() => void)[] = [];
  #closed = false;

  constructor(init: ChainLLMOptions) {
    super();
    if (init.options.length === 0) throw new Error('Failed to create the LLM chain: it has no option. Fix: give at least one LLM.');
    this.options = init.options;
    this.settings = {
      retry: init.retry,
      verbal: init.verbal,
      logger: init.logger,
      events: init.events,
      cooldowns: init.cooldowns ?? new MemoryCooldownStore(),
      defaultCooldownMs: init.defaultCooldownMs ?? DEFAULT_COOLDOWN_MS,
      demotionMs: init.demotionMs ?? DEFAULT_DEMOTION_MS,
    };
    this.sink = new ChainStreamOwner(this);
    for (const instance of new Set(init.options.map((option) => option.instance as llm.LLM))) {
      // Children report failures as 'error' events, which throw when nobody listens. Each stream captures its own
      // failure (see Attempt); this listener only keeps the emitter quiet.
      const onError = () => undefined;
      const onMetrics = (metrics: Parameters<llm.LLMCallbacks['metrics_collected']>[0]) => this.emit('metrics_collected', metrics);
      instance.on('error', onError);
      instance.on('metrics_collected', onMetrics);
      this.#unlisten.push(() => {
        instance.off('error', onError);
        instance.off('metrics_collected', onMetrics);
      });
    }
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
      chatCtx: this.settings.verbal ? this.settings.verbal.stripFromContext(chatCtx) : chatCtx,
      ...(toolCtx !== undefined && { toolCtx }),
      ...(toolChoice !== undefined && { toolChoice }),
      ...(parallelToolCalls !== undefined && { parallelToolCalls }),
      ...(extraKwargs !== undefined && { extraKwargs }),
    };
    const startedAt = Date.now();
    // Start the first attempt before our own stream: LLMStream defers its work with setTimeout(0), and nesting
    // would pay that twice on the healthy path (measured-facts.md, fact 3).
    const plan = this.planNow(new Set(), startedAt);
    const first = plan && plan.length > 0 && !this.#closed ? new Attempt(plan[0]!, request, startedAt) : undefined;
    return new ChainLLMStream(this, {
      chatCtx,
      toolCtx,
      connOptions: options.connOptions ?? { maxRetry: 0, timeoutMs: 10_000, retryIntervalMs: 0 },
      request,
      first,
      startedAt,
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
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
    await super.aclose();
  }

  /** @internal */
  track(stream: ChainLLMStream, active: boolean): void {
    if (active && !this.#closed) this.#streams.add(stream);
    else this.#streams.delete(stream);
  }

  /** @internal The cooldown key: options of the same provider, model and endpoint share one, across stacks too. */
  keyOf(option: ProviderOption<'llm'>): string {
    const baseURL = (option.source?.options as { baseURL?: unknown } | undefined)?.baseURL;
    return `llm:${option.label}@${typeof baseURL === 'string' ? baseURL : option.source ? 'default' : option.path}`;
  }

  /** @internal The order of one pass, or `undefined` when the store answers asynchronously. */
  planNow(skipped: ReadonlySet<ProviderOption<'llm'>>, now = Date.now()): ProviderOption<'llm'>[] | undefined {
    const entries = this.options.map((option) => this.settings.cooldowns.get(this.keyOf(option)));
    if (entries.some((entry) => entry instanceof Promise)) return undefined;
    return order(this.options, entries as (CooldownEntry | undefined)[], skipped, now);
  }

  /** @internal */
  async plan(skipped: ReadonlySet<ProviderOption<'llm'>>): Promise<ProviderOption<'llm'>[]> {
    const entries = await this.entries();
    return order(this.options, entries, skipped, Date.now());
  }

  /** @internal */
  async entries(): Promise<(CooldownEntry | undefined)[]> {
    return Promise.all(this.options.map((option) => this.settings.cooldowns.get(this.keyOf(option))));
  }
}

/** Remote options before last-resort ones; in each tier, healthy options before recently failed ones; cooling and skipped ones left out. */
function order(
  options: readonly ProviderOption<'llm'>[],
  entries: readonly (CooldownEntry | undefined)[],
  skipped: ReadonlySet<ProviderOption<'llm'>>,
  now: number,
): ProviderOption<'llm'>[] {
  const rank = (index: number) => (options[index]!.lastResort ? 2 : 0) + (entries[index] && entries[index]!.until > now ? 1 : 0);
  return options
    .map((option, index) => ({ option, index, rank: rank(index) }))
    .filter(({ option, index }) => !skipped.has(option) && !isHardCooldown(entries[index], now))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ option }) => option);
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
    throw new Error('Failed to chat: this is the chain’s internal stream owner. Fix: call chat() on the ChainLLM.');
  }
}

interface Episode {
  readonly startedAt: number;
  readonly errors: ProviderError[];
  readonly skipped: Set<ProviderOption<'llm'>>;
  last: { option: ProviderOption<'llm'>; error: ProviderError } | undefined;
  firstToken: boolean;
  holdingSaid: boolean;
}

type Outcome = 'done' | 'aborted' | { error: ProviderError; afterTokens: boolean };

class PassFailedError extends Error {
  override readonly name = 'PassFailedError';
}

/** One turn through the chain. */
class ChainLLMStream extends llm.LLMStream {
  readonly #chain: ChainLLM;
  readonly #request: ChildRequest;
  readonly #startedAt: number;
  #first: Attempt | undefined;
  #holdingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    chain: ChainLLM,
    init: {
      chatCtx: llm.ChatContext;
      toolCtx: llm.ToolContextLike | undefined;
      connOptions: APIConnectOptions;
      request: ChildRequest;
      first: Attempt | undefined;
      startedAt: number;
    },
  ) {
    super(chain.sink, {
      chatCtx: init.chatCtx,
      ...(init.toolCtx !== undefined && { toolCtx: init.toolCtx }),
      connOptions: init.connOptions,
    });
    this.#chain = chain;
    this.#request = init.request;
    this.#first = init.first;
    this.#startedAt = init.startedAt;
    chain.track(this, true);
  }

  protected async run(): Promise<void> {
    const { retry, verbal } = this.#chain.settings;
    const episode: Episode = {
      startedAt: this.#startedAt,
      errors: [],
      skipped: new Set(),
      last: undefined,
      firstToken: false,
      holdingSaid: false,
    };
    const signal = this.abortController.signal;
    if (verbal) {
      this.#holdingTimer = setTimeout(() => this.#hold(episode, 'slow'), Math.max(0, this.#startedAt + verbal.holdingAfterMs - Date.now()));
    }
    try {
      await runWithinWindow((passNumber) => this.#pass(passNumber, episode), {
        retry,
        startedAt: this.#startedAt,
        signal,
        availableInMs: () => this.#availableInMs(episode),
        onWait: ({ retry: attempt, delayMs }) => this.#onWait(episode, attempt, delayMs),
      });
    } catch {
      if (!signal.aborted) await this.#exhaust(episode);
    } finally {
      clearTimeout(this.#holdingTimer);
      this.#first?.stream.close();
      this.#first = undefined;
      this.#chain.track(this, false);
    }
  }

  async #pass(passNumber: number, episode: Episode): Promise<void> {
    const first = this.#first;
    this.#first = undefined;
    let order = first ? [first.option] : [];
    const planned = (first && this.#chain.planNow(episode.skipped)) || (await this.#chain.plan(episode.skipped));
    order = [...order, ...planned.filter((option) => option !== first?.option)];
    if (order.length === 0) throw new PassFailedError('no option available');
    // Checked once per pass: without hedgeAfterMs the pass below runs exactly as before (no timer, no race).
    const hedgeAfterMs = this.#chain.settings.retry.hedgeAfterMs;
    if (hedgeAfterMs !== undefined) return this.#hedgedPass(passNumber, order, first, hedgeAfterMs, episode);
    for (const option of order) {
      if (this.abortController.signal.aborted) return;
      this.#moveTo(option, episode);
      const attempt = first?.option === option ? first : new Attempt(option, this.#request);
      const outcome = await this.#consume(attempt, episode);
      if (outcome === 'done' || outcome === 'aborted') return;
      await this.#recordFailure(option, outcome, episode);
      // Part of the reply was already streamed (and heard): end the turn rather than repeat it from another option.
      if (outcome.afterTokens) return;
    }
    throw new PassFailedError(`pass ${passNumber} failed`);
  }

  /** Emits `fallback` when the chain moves to `option` from the option that failed last. */
  #moveTo(option: ProviderOption<'llm'>, episode: Episode): void {
    const last = episode.last;
    if (last && last.option !== option) {
      this.#emit('fallback', { modality: 'llm', from: last.option.label, to: option.label, error: last.error });
    }
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
    episode: Episode,
  ): Promise<void> {
    const { logger } = this.#chain.settings;
    const race = new HedgeRace(order, first, {
      hedgeAfterMs,
      request: this.#request,
      signal: this.abortController.signal,
      onCurrent: (option) => this.#moveTo(option, episode),
      onHedge: (option, current) =>
        logger.info(`LLM option ${current.label}: no first token after ${hedgeAfterMs} ms; hedging with ${option.label}`, {
          label: current.label,
          hedge: option.label,
          hedgeAfterMs,
        }),
      onFailure: (option, error) => this.#recordFailure(option, { error, afterTokens: false }, episode),
      onFirstToken: (option) => this.#onFirstToken(option, episode),
      onCancel: (option, winner) =>
        logger.info(`LLM option ${winner.label} answered first; cancelled the hedge to ${option.label}`, {
          label: option.label,
          winner: winner.label,
        }),
    });
    const opened = await race.run();
    if (opened === 'aborted') return;
    if (!opened) throw new PassFailedError(`pass ${passNumber} failed`);
    const outcome = await this.#consume(opened.attempt, episode, opened);
    if (outcome === 'done' || outcome === 'aborted') return;
    // The first token came before: this failure is after tokens, the turn ends with what was said.
    await this.#recordFailure(opened.attempt.option, outcome, episode);
  }

  /**
   * Streams one attempt into the reply; stops it when no first token comes in time or the stream stalls.
   * `opened`: what a hedging race already read from the stream (up to and including the first token).
   */
  async #consume(attempt: Attempt, episode: Episode, opened?: Opened): Promise<Outcome> {
    const { stream, option } = attempt;
    const signal = this.abortController.signal;
    let gotToken = opened?.gotToken ?? false;
    let expired: 'timeout' | 'stall' | undefined;
    const expire = (kind: 'timeout' | 'stall') => () => {
      expired = kind;
      stream.close();
    };
    let timer = gotToken
      ? setTimeout(expire('stall'), this.#chain.settings.retry.stallTimeoutMs)
      : setTimeout(expire('timeout'), Math.max(0, attempt.startedAt + timeoutOf(option) - Date.now()));
    if (opened) for (const chunk of opened.chunks) this.queue.put(chunk);
    const onAbort = () => stream.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of stream) {
        if (signal.aborted) break;
        if (!gotToken && llm.hasResponse(chunk)) {
          gotToken = true;
          this.#onFirstToken(option, episode);
          clearTimeout(timer);
          timer = setTimeout(expire('stall'), this.#chain.settings.retry.stallTimeoutMs);
        } else if (gotToken) {
          timer.refresh(); // restarts the stall clock: cheaper than a new timer per chunk
        }
        this.queue.put(chunk);
      }
    } catch (error) {
      attempt.error ??= error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      stream.close();
    }
    if (signal.aborted) return 'aborted';
    const context = { modality: 'llm' as const, label: option.label, option };
    if (expired) {
      const ms = expired === 'timeout' ? timeoutOf(option) : this.#chain.settings.retry.stallTimeoutMs;
      const error = classifyError(
        Object.assign(new Error(expired === 'timeout' ? `no first token within ${ms} ms` : `no token for ${ms} ms`), {
          name: 'TimeoutError',
        }),
        context,
      );
      return { error: expired === 'stall' ? asStall(error) : error, afterTokens: gotToken };
    }
    if (attempt.error !== undefined) return { error: classifyError(attempt.error, context), afterTokens: gotToken };
    return 'done';
  }

  #onFirstToken(option: ProviderOption<'llm'>, episode: Episode): void {
    episode.firstToken = true;
    clearTimeout(this.#holdingTimer);
    const { cooldowns, events, logger } = this.#chain.settings;
    const key = this.#chain.keyOf(option);
    void Promise.resolve(cooldowns.get(key))
      .then(async (entry) => {
        if (!entry) return;
        await cooldowns.delete(key);
        logger.info(`LLM option ${option.label} answers again`, { label: option.label });
        if (events) events.emit('recovered', { modality: 'llm', provider: option.provider, model: option.model });
      })
      .catch((error: unknown) => logger.warn('Failed to update the LLM cooldown store', { error: String(error) }));
  }

  async #recordFailure(
    option: ProviderOption<'llm'>,
    outcome: { error: ProviderError; afterTokens: boolean },
    episode: Episode,
  ): Promise<void> {
    const { error, afterTokens } = outcome;
    const { cooldowns, logger, defaultCooldownMs, demotionMs } = this.#chain.settings;
    episode.errors.push(error);
    episode.last = { option, error };
    // Auth, bad request, not found: they will not heal within the window.
    if (!error.isRetryable) episode.skipped.add(option);
    const now = Date.now();
    const cooling = error.category === 'rate_limit' || error.category === 'quota';
    const until = now + (cooling ? (error.retryAfterMs ?? defaultCooldownMs) : demotionMs);
    logger.warn(`LLM option ${option.label} failed${afterTokens ? ' mid-reply; ending the turn' : ''}: ${error.message}`, {
      label: option.label,
      category: error.category,
      statusCode: error.statusCode,
      retryAfterMs: error.retryAfterMs,
      afterTokens,
      ...(cooling && { coolingMs: until - now }),
    });
    try {
      const key = this.#chain.keyOf(option);
      const existing = await cooldowns.get(key);
      if (isHardCooldown(existing, now) && existing.until >= until) return;
      await cooldowns.set(key, { until, category: error.category, statusCode: error.statusCode, at: now });
    } catch (storeError) {
      logger.warn('Failed to update the LLM cooldown store', { error: String(storeError) });
    }
  }

  async #availableInMs(episode: Episode): Promise<number | undefined> {
    const entries = await this.#chain.entries();
    const now = Date.now();
    const candidates = this.#chain.options
      .map((option, index) => ({ option, entry: entries[index] }))
      .filter(({ option }) => !episode.skipped.has(option));
    if (candidates.length === 0) return undefined;
    if (candidates.some(({ entry }) => !isHardCooldown(entry, now))) return 0;
    return Math.min(...candidates.map(({ entry }) => entry!.until)) - now;
  }

  #onWait(episode: Episode, attempt: number, delayMs: number): void {
    const { logger } = this.#chain.settings;
    const last = episode.last;
    const option = last?.option ?? this.#chain.options[0]!;
    const error = last?.error ?? cooledError(option, 'every option is cooling down');
    logger.info(`every LLM option failed; trying again in ${delayMs} ms`, { attempt, delayMs, label: option.label });
    this.#emit('retry', { modality: 'llm', provider: option.provider, model: option.model, attempt, delayMs, error });
    this.#hold(episode, 'waiting');
  }

  /** Says the holding phrase as the reply's first words, once per episode. */
  #hold(episode: Episode, reason: 'waiting' | 'slow'): void {
    const verbal = this.#chain.settings.verbal;
    if (!verbal || episode.holdingSaid || episode.firstToken || this.abortController.signal.aborted) return;
    episode.holdingSaid = true;
    const text = verbal.pickHolding(this.chatCtx);
    if (!text) return;
    this.queue.put({ id: 'livekit-voice-stack-holding', delta: { role: 'assistant', content: `${text} ` } });
    this.#chain.settings.logger.info(`LLM reply delayed (${reason}): saying the holding phrase`, { reason });
    this.#emit('holding', { modality: 'llm', reason, text });
  }

  async #exhaust(episode: Episode): Promise<void> {
    const { retry, verbal, logger } = this.#chain.settings;
    let errors = episode.errors;
    if (errors.length === 0) {
      const entries = await this.#chain.entries().catch(() => []);
      errors = this.#chain.options.map((option, index) => cooledError(option, 'cooling down', entries[index]));
    }
    logger.warn(new RetriesExhaustedError('llm', errors, retry.windowMs).message, {
      attempts: episode.errors.length,
      spoken: Boolean(verbal),
    });
    this.#emit('exhausted', { modality: 'llm', errors: [...errors] });
    if (verbal && !this.abortController.signal.aborted) {
      this.queue.put({ id: 'livekit-voice-stack-apology', delta: { role: 'assistant', content: verbal.apology } });
    }
  }

  #emit<E extends 'retry' | 'fallback' | 'holding' | 'exhausted'>(name: E, payload: Parameters<VoiceStackEvents[E]>[0]): void {
    const events = this.#chain.settings.events;
    if (!events) return;
    try {
      (events.emit as (event: string, payload: unknown) => boolean)(name, payload);
    } catch (error) {
      this.#chain.settings.logger.warn(`a '${name}' listener threw`, { error: String(error) });
    }
  }
}

function asStall(error: ProviderError): ProviderError {
  return new ProviderError(error.message.replace('timed out before the first token', 'stalled mid-stream'), {
    category: 'stall',
    modality: error.modality,
    label: error.label,
    cause: error.cause,
  });
}

function cooledError(option: ProviderOption<'llm'>, why: string, entry?: CooldownEntry): ProviderError {
  const category: ErrorCategory = entry?.category ?? 'rate_limit';
  return new ProviderError(
    `Failed to get an LLM reply from ${option.label}: ${why}${entry ? ` until ${new Date(entry.until).toISOString()}` : ''}.`,
    {
      category,
      modality: 'llm',
      label: option.label,
      statusCode: entry?.statusCode,
    },
  );
}

import type EventEmitter from 'eventemitter3';
import type { ResolvedRetryOptions } from '../config/policy-config.js';
import { ProviderError } from '../errors/index.js';
import type { Logger } from '../config/logger.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { VoiceStackEvents } from './events.js';
import { classifyError } from './classify-error.js';
import { type CooldownEntry, type CooldownStore, isHardCooldown, MemoryCooldownStore } from './cooldown-store.js';
import { DEFAULT_COOLDOWN_MS, DEFAULT_DEMOTION_MS } from './llm-chain.js';

type SpeechModality = 'stt' | 'tts';

/** What the STT and TTS chains share with the LLM chain: retry window, cooldown store, events and logs. */
export interface SpeechChainOptions<M extends SpeechModality> {
  /** The options, in the config's order. */
  options: readonly ProviderOption<M>[];
  retry: ResolvedRetryOptions;
  logger: Logger;
  /** Where `retry`, `fallback`, `holding`, `exhausted` and `recovered` are emitted. */
  events?: EventEmitter<VoiceStackEvents> | undefined;
  /** Shared cooldowns (the stack's store). @default a new {@link MemoryCooldownStore} */
  cooldowns?: CooldownStore | undefined;
  /** Cooldown after a 429/402 without `Retry-After`, in ms. @default 30000 */
  defaultCooldownMs?: number;
  /** How long another failure puts an option after the healthy ones, in ms. @default 30000 */
  demotionMs?: number;
}

/**
 * The bookkeeping of one speech chain (STT or TTS): the order of a pass, cooldowns shared through the stack's
 * {@link CooldownStore} (same keys and rules as the LLM chain: 429/402 skip the option until `Retry-After`, other
 * failures put it after the healthy ones for a while), classification, events and logs.
 */
export class SpeechChainState<M extends SpeechModality> {
  readonly modality: M;
  readonly options: readonly ProviderOption<M>[];
  readonly retry: ResolvedRetryOptions;
  readonly logger: Logger;
  readonly #events: EventEmitter<VoiceStackEvents> | undefined;
  readonly #cooldowns: CooldownStore;
  readonly #defaultCooldownMs: number;
  readonly #demotionMs: number;

  constructor(modality: M, init: SpeechChainOptions<M>) {
    if (init.options.length === 0) {
      throw new Error(
        `Failed to create the ${modality.toUpperCase()} chain: it has no option. Fix: give at least one ${modality.toUpperCase()}.`,
      );
    }
    this.modality = modality;
    this.options = init.options;
    this.retry = init.retry;
    this.logger = init.logger;
    this.#events = init.events;
    this.#cooldowns = init.cooldowns ?? new MemoryCooldownStore();
    this.#defaultCooldownMs = init.defaultCooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.#demotionMs = init.demotionMs ?? DEFAULT_DEMOTION_MS;
  }

  /** The cooldown key: options of the same provider, model and endpoint share one, across stacks too. */
  keyOf(option: ProviderOption<M>): string {
    const baseURL = (option.source?.options as { baseURL?: unknown } | undefined)?.baseURL;
    return `${this.modality}:${option.label}@${typeof baseURL === 'string' ? baseURL : option.source ? 'default' : option.path}`;
  }

  /** Remote options before last-resort ones; healthy before recently failed; cooling and `skipped` ones left out. */
  async plan(skipped: ReadonlySet<ProviderOption<M>> = new Set()): Promise<ProviderOption<M>[]> {
    const entries = await this.#entries();
    const now = Date.now();
    const rank = (index: number) => (this.options[index]!.lastResort ? 2 : 0) + (entries[index] && entries[index]!.until > now ? 1 : 0);
    return this.options
      .map((option, index) => ({ option, index, rank: rank(index) }))
      .filter(({ option, index }) => !skipped.has(option) && !isHardCooldown(entries[index], now))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ option }) => option);
  }

  /** In how many ms an option can be tried again (0: now), or `undefined` when every option is skipped. */
  async availableInMs(skipped: ReadonlySet<ProviderOption<M>> = new Set()): Promise<number | undefined> {
    const entries = await this.#entries();
    const now = Date.now();
    const candidates = this.options
      .map((option, index) => ({ option, entry: entries[index] }))
      .filter(({ option }) => !skipped.has(option));
    if (candidates.length === 0) return undefined;
    if (candidates.some(({ entry }) => !isHardCooldown(entry, now))) return 0;
    return Math.min(...candidates.map(({ entry }) => entry!.until)) - now;
  }

  classify(error: unknown, option: ProviderOption<M>): ProviderError {
    return classifyError(error, { modality: this.modality, label: option.label, option });
  }

  /** Logs the failure and cools (429/402) or demotes (anything else) the option in the shared store. */
  async recordFailure(option: ProviderOption<M>, error: ProviderError, note = ''): Promise<void> {
    const now = Date.now();
    const cooling = error.category === 'rate_limit' || error.category === 'quota';
    const until = now + (cooling ? (error.retryAfterMs ?? this.#defaultCooldownMs) : this.#demotionMs);
    this.logger.warn(`${this.modality.toUpperCase()} option ${option.label} failed${note}: ${error.message}`, {
      label: option.label,
      category: error.category,
      statusCode: error.statusCode,
      retryAfterMs: error.retryAfterMs,
      ...(cooling && { coolingMs: until - now }),
    });
    try {
      const key = this.keyOf(option);
      const existing = await this.#cooldowns.get(key);
      if (isHardCooldown(existing, now) && existing.until >= until) return;
      await this.#cooldowns.set(key, { until, category: error.category, statusCode: error.statusCode, at: now });
    } catch (storeError) {
      this.logger.warn(`Failed to update the ${this.modality.toUpperCase()} cooldown store`, { error: String(storeError) });
    }
  }

  /** The option works: forget its failure and, if it had one, emit `recovered`. */
  async markHealthy(option: ProviderOption<M>): Promise<void> {
    try {
      const key = this.keyOf(option);
      if (!(await this.#cooldowns.get(key))) return;
      await this.#cooldowns.delete(key);
      this.logger.info(`${this.modality.toUpperCase()} option ${option.label} works again`, { label: option.label });
      this.emit('recovered', { modality: this.modality, provider: option.provider, model: option.model });
    } catch (storeError) {
      this.logger.warn(`Failed to update the ${this.modality.toUpperCase()} cooldown store`, { error: String(storeError) });
    }
  }

  /** Emits a policy event; a listener that throws is logged, never breaks the chain. */
  emit<E extends 'retry' | 'fallback' | 'holding' | 'exhausted' | 'recovered'>(name: E, payload: Parameters<VoiceStackEvents[E]>[0]): void {
    if (!this.#events) return;
    try {
      (this.#events.emit as (event: string, payload: unknown) => boolean)(name, payload);
    } catch (error) {
      this.logger.warn(`a '${name}' listener threw`, { error: String(error) });
    }
  }

  /** An error for "every option is cooling down", when a pass had nothing to try. */
  cooledError(): ProviderError {
    const option = this.options[0]!;
    return new ProviderError(`Failed to use ${this.modality.toUpperCase()} ${option.label}: every option is cooling down.`, {
      category: 'rate_limit',
      modality: this.modality,
      label: option.label,
    });
  }

  async #entries(): Promise<(CooldownEntry | undefined)[]> {
    return Promise.all(this.options.map((option) => this.#cooldowns.get(this.keyOf(option))));
  }
}

/** A child stream's `run()` throws its failure into LiveKit's retry loop, which only logs it: keep it for the chain. */
export function captureRunFailure(stream: object): { readonly error: unknown; readonly failed: boolean } {
  const record = { error: undefined as unknown, failed: false };
  const target = stream as { run?: () => Promise<void> };
  const run = target.run;
  if (typeof run === 'function') {
    // The stream starts run() on a later tick (startSoon), so wrapping it right after construction is in time.
    target.run = async () => {
      try {
        await run.call(stream);
      } catch (error) {
        record.failed = true;
        record.error = error;
        throw error;
      }
    };
  }
  return record;
}

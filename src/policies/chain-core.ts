import { createHash } from 'node:crypto';
import type { EventEmitter } from 'eventemitter3';
import type { ResolvedRetryOptions } from '../config/policy-config.js';
import type { Logger } from '../config/logger.js';
import { ConfigError, type Modality, ProviderError, RetriesExhaustedError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { classifyError } from './classify-error.js';
import { isSecretKey } from '../config/secrets.js';
import type { OptionStatus } from '../state/fleet-state.js';
import { FLEET_KEYS } from '../state/fleet-state.js';
import { createMemoryStore } from '../state/create-memory-store.js';
import { guardStore } from '../state/guard-store.js';
import type { StateStore } from '../state/state-store.js';
import { type CooldownEntry, isCooldownCategory, isHardCooldown } from './cooldown-store.js';
import type { VoiceStackEvents } from './events.js';

/** How long a 429 or 402 without `Retry-After` cools its option, in ms. */
export const DEFAULT_COOLDOWN_MS = 30_000;
/** How long an option that failed otherwise (5xx, timeout, stall …) is tried after the healthy ones, in ms. */
export const DEFAULT_DEMOTION_MS = 30_000;

/** What every chain (LLM, STT, TTS) takes: its options, the retry window, cooldowns, events and logs. */
export interface ChainSettings<M extends Modality> {
  /** The options, in the config's order. */
  options: readonly ProviderOption<M>[];
  retry: ResolvedRetryOptions;
  logger: Logger;
  /** Where `retry`, `fallback`, `holding`, `exhausted` and `recovered` are emitted. */
  events?: EventEmitter<VoiceStackEvents> | undefined;
  /**
   * Where cooldowns live, shared by every chain, stack and process given the same store (the stack's store).
   * @default a new in-memory store (this chain only)
   */
  store?: StateStore | undefined;
  /** Cooldown after a 429/402 without `Retry-After`, in ms. @default 30000 */
  defaultCooldownMs?: number;
  /** How long another failure puts an option after the healthy ones, in ms. @default 30000 */
  demotionMs?: number;
}

/** The option that failed last in a run, and how. */
export interface LastFailure<M extends Modality> {
  option: ProviderOption<M>;
  error: ProviderError;
}

/** The failures of one run through a chain (a turn, an utterance, an outage). */
export class Episode<M extends Modality> {
  readonly errors: ProviderError[] = [];
  /** Options that refused the request (auth, bad request, not found): they will not heal within the window. */
  readonly skipped = new Set<ProviderOption<M>>();
  last: LastFailure<M> | undefined;

  record(option: ProviderOption<M>, error: ProviderError): void {
    this.errors.push(error);
    this.last = { option, error };
    if (!error.isRetryable) this.skipped.add(option);
  }
}

const NONE: ReadonlySet<never> = new Set();

type PolicyEvent = 'retry' | 'fallback' | 'holding' | 'exhausted' | 'recovered';
const NAMES: Record<Modality, string> = { llm: 'LLM', stt: 'STT', tts: 'TTS' };

/**
 * The state and bookkeeping of one chain, whatever it carries (the per-attempt loops differ and stay in each chain):
 * the cooldown key of an option, the order of a pass, when an option can be tried again, recording failures and
 * recoveries in the shared store, the policy events and their logs. Every read and write of the cooldown store goes
 * through the three private methods at the end of this class.
 *
 * The rules (docs/architecture.md, "The chain's rules"): a 429/402 skips its option until its `Retry-After` (or
 * `defaultCooldownMs`); any other failure puts it after the healthy ones for `demotionMs`; last-resort options come
 * after every remote one; a success forgets the option's failure.
 */
export class ChainCore<M extends Modality> {
  readonly modality: M;
  /** `LLM`, `STT` or `TTS`, for messages. */
  readonly name: string;
  readonly options: readonly ProviderOption<M>[];
  readonly retry: ResolvedRetryOptions;
  readonly logger: Logger;
  readonly #events: EventEmitter<VoiceStackEvents> | undefined;
  readonly #store: StateStore;
  readonly #defaultCooldownMs: number;
  readonly #demotionMs: number;
  readonly #keys: readonly string[];
  /** The pass order when no option has a cooldown entry. */
  readonly #healthyOrder: readonly ProviderOption<M>[];

  constructor(modality: M, init: ChainSettings<M>) {
    const name = NAMES[modality];
    if (init.options.length === 0) {
      throw new ConfigError(
        [{ path: modality, message: `the chain has no option. Fix: give at least one ${name} in \`${modality}\`.` }],
        `new Chain${name}()`,
      );
    }
    this.modality = modality;
    this.name = name;
    this.options = init.options;
    this.retry = init.retry;
    this.logger = init.logger;
    this.#events = init.events;
    // Fail open: a store that throws, rejects or hangs reads as "no cooldown" and never reaches a turn.
    this.#store = guardStore(init.store ?? createMemoryStore(), { logger: init.logger });
    this.#defaultCooldownMs = init.defaultCooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.#demotionMs = init.demotionMs ?? DEFAULT_DEMOTION_MS;
    this.#keys = init.options.map((option) => cooldownKey(modality, option));
    this.#healthyOrder = passOrder(init.options, [], NONE, 0);
  }

  /** The cooldown key of an option of this chain. */
  keyOf(option: ProviderOption<M>): string {
    const index = this.options.indexOf(option);
    return index >= 0 ? this.#keys[index]! : cooldownKey(this.modality, option);
  }

  /** The order of one pass (see {@link passOrder}), or `undefined` when the store answers asynchronously. */
  planNow(skipped: ReadonlySet<ProviderOption<M>> = NONE, now = Date.now()): ProviderOption<M>[] | undefined {
    const entries = this.#entriesNow();
    // Every turn plans: when no option has an entry (the healthy fleet), the order is the config's, last resorts last.
    if (skipped.size === 0 && entries.every((entry) => entry === undefined)) return [...this.#healthyOrder];
    return passOrder(this.options, entries, skipped, now);
  }

  /** The order of one pass (see {@link passOrder}). */
  async plan(skipped: ReadonlySet<ProviderOption<M>> = new Set()): Promise<ProviderOption<M>[]> {
    return passOrder(this.options, await this.entries(), skipped, Date.now());
  }

  /** In how many ms an option can be tried again (see {@link availableIn}). */
  async availableInMs(skipped: ReadonlySet<ProviderOption<M>> = new Set()): Promise<number | undefined> {
    return availableIn(this.options, await this.entries(), skipped, Date.now());
  }

  /** The cooldown entry of each option, in the options' order. */
  async entries(): Promise<(CooldownEntry | undefined)[]> {
    return this.#entriesNow();
  }

  classify(error: unknown, option: ProviderOption<M>): ProviderError {
    return classifyError(error, { modality: this.modality, label: option.label, option });
  }

  /**
   * Logs the failure and cools (429/402) or demotes (anything else) the option in the shared store. `note` follows
   * "option X failed" in the log line; `fields` are added to its details.
   */
  async recordFailure(option: ProviderOption<M>, error: ProviderError, note = '', fields: Record<string, unknown> = {}): Promise<void> {
    const now = Date.now();
    const entry = cooldownEntryFor(error, now, {
      defaultCooldownMs: this.#defaultCooldownMs,
      demotionMs: this.#demotionMs,
      maxCooldownMs: this.retry.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS,
    });
    const cooling = isHardCooldown(entry, now);
    this.logger.warn(`${this.name} option ${option.label} failed${note}: ${error.message}`, {
      label: option.label,
      category: error.category,
      statusCode: error.statusCode,
      retryAfterMs: error.retryAfterMs,
      ...fields,
      ...(cooling && { coolingMs: entry.until - now }),
    });
    const key = this.keyOf(option);
    if (!supersedes(entry, this.#read(key), now)) return;
    // Not awaited: the next option is tried at once. The built-in stores apply a write to their local view before
    // they resolve (a Redis round trip, or a store that hangs until the guard's bound, must not delay the fallback).
    void this.#write(key, option, entry, now);
  }

  /** The option answered: forget its failure and, if it had one, log it and emit `recovered`. Never rejects. */
  markHealthy(option: ProviderOption<M>): void {
    const key = this.keyOf(option);
    // The healthy path (no entry) is one read from the store's local view: nothing written, no promise per turn.
    if (this.#read(key) === undefined) return;
    void this.#forget(key).then(() => {
      this.logger.info(`${this.name} option ${option.label} works again`, { label: option.label });
      this.emit('recovered', { modality: this.modality, provider: option.provider, model: option.model });
    });
  }

  /** Emits a policy event; a listener that throws is logged, never breaks the chain. */
  emit<E extends PolicyEvent>(name: E, payload: Parameters<VoiceStackEvents[E]>[0]): void {
    if (!this.#events) return;
    try {
      (this.#events.emit as (event: string, payload: unknown) => boolean)(name, payload);
    } catch (error) {
      this.logger.warn(`a '${name}' listener threw`, { error: String(error) });
    }
  }

  /** Emits `fallback` when a run moves to `option` from another option that failed last. */
  moveTo(option: ProviderOption<M>, last: LastFailure<M> | undefined): void {
    if (last && last.option !== option) {
      this.emit('fallback', { modality: this.modality, from: last.option.label, to: option.label, error: last.error });
    }
  }

  /** Logs and emits `retry` before a wait between two passes. */
  reportRetry(last: LastFailure<M> | undefined, attempt: number, delayMs: number): void {
    const option = last?.option ?? this.options[0]!;
    this.logger.info(`every ${this.name} option failed; trying again in ${delayMs} ms`, { attempt, delayMs, label: option.label });
    this.emit('retry', {
      modality: this.modality,
      provider: option.provider,
      model: option.model,
      attempt,
      delayMs,
      error: last?.error ?? this.cooledError(option),
    });
  }

  /**
   * Logs and emits `exhausted` when the retry window is spent. `errors` empty (every option was cooling the whole
   * time): one "cooling down" error per option. `then` completes the log line (what happens now).
   */
  async reportExhausted(errors: readonly ProviderError[], then: string, fields: Record<string, unknown> = {}): Promise<void> {
    let all = [...errors];
    if (all.length === 0) {
      const entries = await this.entries().catch(() => []);
      all = this.options.map((option, index) => this.cooledError(option, entries[index]));
    }
    this.logger.warn(`${new RetriesExhaustedError(this.modality, all, this.retry.windowMs).message}${then ? ` ${then}` : ''}`, {
      attempts: errors.length,
      ...fields,
    });
    this.emit('exhausted', { modality: this.modality, errors: all });
  }

  /** The error of an option that was not tried because it is cooling down (or of a pass with nothing to try). */
  cooledError(option: ProviderOption<M> = this.options[0]!, entry?: CooldownEntry): ProviderError {
    const until = entry ? ` until ${new Date(entry.until).toISOString()}` : '';
    return new ProviderError(`Failed to get ${article(this.name)} reply from ${option.label}: every option is cooling down${until}.`, {
      category: entry?.category ?? 'rate_limit',
      modality: this.modality,
      label: option.label,
      statusCode: entry?.statusCode,
    });
  }

  /** No first token, event or audio in time: a `timeout`. `detail` says what was awaited, e.g. "no audio within 10000 ms". */
  timeoutError(option: ProviderOption<M>, detail: string, cause?: unknown): ProviderError {
    return expiredError('timeout', this.modality, option.label, detail, cause);
  }

  /** Silence after the first token, event or audio: a `stall`. */
  stallError(option: ProviderOption<M>, detail: string): ProviderError {
    return expiredError('stall', this.modality, option.label, detail);
  }

  // The store seam: every access to the cooldowns goes through these three. Reads are synchronous (the store's local
  // view); the guard turns any store failure into "no entry" and logs it once per outage.

  #read(key: string): CooldownEntry | undefined {
    const entry = this.#store.get<CooldownEntry>(key);
    return entry && Number.isFinite(entry.until) ? entry : undefined;
  }

  /** Writes the entry with what the dashboard shows of it (`OptionStatus`), for as long as it matters. */
  async #write(key: string, option: ProviderOption<M>, entry: CooldownEntry, now: number): Promise<void> {
    const status: OptionStatus = {
      label: option.label,
      modality: this.modality,
      state: isHardCooldown(entry, now) ? 'cooling' : 'demoted',
      reason: entry.category,
      ...(entry.statusCode !== undefined && { status: entry.statusCode }),
      until: entry.until,
    };
    // Kept past `until` so that the option's first success afterwards is noticed (`recovered`), then dropped.
    await this.#store.set(key, { ...status, ...entry }, Math.max(0, entry.until - now) + RECOVERY_NOTICE_MS);
  }

  async #forget(key: string): Promise<void> {
    await this.#store.delete(key);
  }

  #entriesNow(): (CooldownEntry | undefined)[] {
    return this.#keys.map((key) => this.#read(key));
  }
}

/**
 * The cooldown key: options of the same provider, model, endpoint and credentials share one, across stacks, processes
 * and machines sharing a store. The credentials appear as a short hash (never the key), so one tenant's rate limit
 * does not cool another tenant's key on the same model.
 */
export function cooldownKey(modality: Modality, option: ProviderOption): string {
  const options = (option.source?.options ?? {}) as Record<string, unknown>;
  const baseURL = options.baseURL;
  const endpoint = typeof baseURL === 'string' ? baseURL : option.source ? 'default' : option.path;
  return `${FLEET_KEYS.optionPrefix}${modality}:${option.label}@${endpoint}#${credentialFingerprint(options)}`;
}

/** 12 hex digits of a SHA-256 over the option's secret fields (`apiKey`, `apiSecret` …); `env` when it has none (keys from the environment). */
function credentialFingerprint(options: Record<string, unknown>): string {
  const secrets = Object.keys(options)
    .filter((name) => isSecretKey(name) && typeof options[name] === 'string')
    .sort()
    .map((name) => `${name}=${options[name] as string}`);
  return secrets.length === 0 ? 'env' : createHash('sha256').update(secrets.join('\n')).digest('hex').slice(0, 12);
}

/**
 * The order of one pass: remote options before last-resort ones; in each tier, healthy options before recently failed
 * (demoted) ones, each in the config's order; cooling (429/402) and `skipped` options left out.
 */
export function passOrder<O extends Pick<ProviderOption, 'lastResort'>>(
  options: readonly O[],
  entries: readonly (CooldownEntry | undefined)[],
  skipped: ReadonlySet<O>,
  now: number,
): O[] {
  const rank = (index: number) => (options[index]!.lastResort ? 2 : 0) + (entries[index] && entries[index]!.until > now ? 1 : 0);
  return options
    .map((option, index) => ({ option, index, rank: rank(index) }))
    .filter(({ option, index }) => !skipped.has(option) && !isHardCooldown(entries[index], now))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ option }) => option);
}

/**
 * In how many ms an option not in `skipped` can be tried: 0 when one is not cooling, else when the first cooldown
 * ends; `undefined` when every option is skipped.
 */
export function availableIn<O>(
  options: readonly O[],
  entries: readonly (CooldownEntry | undefined)[],
  skipped: ReadonlySet<O>,
  now: number,
): number | undefined {
  const candidates = options.map((option, index) => ({ option, entry: entries[index] })).filter(({ option }) => !skipped.has(option));
  if (candidates.length === 0) return undefined;
  if (candidates.some(({ entry }) => !isHardCooldown(entry, now))) return 0;
  return Math.min(...candidates.map(({ entry }) => entry!.until)) - now;
}

/** How long an entry outlives its `until`, so that a success after it still emits `recovered`. */
const RECOVERY_NOTICE_MS = 10 * 60_000;

/** The longest a `Retry-After` cools an option unless `retry.maxCooldownMs` says otherwise, in ms. */
export const DEFAULT_MAX_COOLDOWN_MS = 600_000;

/**
 * What a failure writes: a cooldown until `Retry-After` (or the default) for 429/402, a demotion otherwise. The
 * cooldown is clamped to `maxCooldownMs`; a `Retry-After` that is not a usable number gets the default.
 */
export function cooldownEntryFor(
  error: Pick<ProviderError, 'category' | 'retryAfterMs' | 'statusCode'>,
  now: number,
  durations: { defaultCooldownMs: number; demotionMs: number; maxCooldownMs?: number },
): CooldownEntry {
  const cooling = isCooldownCategory(error.category);
  const asked = error.retryAfterMs;
  const retryAfter = asked !== undefined && Number.isFinite(asked) && asked >= 0 ? asked : durations.defaultCooldownMs;
  const until = now + (cooling ? Math.min(retryAfter, durations.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS) : durations.demotionMs);
  return { until, category: error.category, statusCode: error.statusCode, at: now };
}

/** Whether `entry` replaces `existing`: a running cooldown is never shortened (another process may have set it). */
export function supersedes(entry: CooldownEntry, existing: CooldownEntry | undefined, now: number): boolean {
  return !(isHardCooldown(existing, now) && existing.until >= entry.until);
}

const EXPIRED: Record<'timeout' | 'stall', Record<Modality, string>> = {
  timeout: { llm: 'timed out before the first token', stt: 'timed out before the first event', tts: 'timed out before the first audio' },
  stall: { llm: 'stalled mid-stream', stt: 'stalled mid-stream', tts: 'stalled mid-stream' },
};

/** A `timeout` or `stall` of an option, made by the chain that watched the clock (nothing to classify). */
export function expiredError(kind: 'timeout' | 'stall', modality: Modality, label: string, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`Failed to get ${article(NAMES[modality])} reply from ${label}: ${EXPIRED[kind][modality]} (${detail}).`, {
    category: kind,
    modality,
    label,
    cause,
  });
}

function article(name: string): string {
  return name === 'LLM' ? 'an LLM' : `a ${name}`;
}

interface ChildEmitter {
  on(event: 'error' | 'metrics_collected', listener: (payload: never) => void): unknown;
  off(event: 'error' | 'metrics_collected', listener: (payload: never) => void): unknown;
}

/**
 * Listens to a chain's children: their `error` events (which throw when nobody listens; each attempt captures its own
 * failure, so this listener only keeps the emitter quiet) and, with `forward`, their metrics, re-emitted by the
 * chain (the session's metrics). Returns what removes the listeners.
 */
export function listenToChildren(children: Iterable<ChildEmitter>, forward?: (metrics: never) => void): () => void {
  const unlisten: (() => void)[] = [];
  for (const child of new Set(children)) {
    const onError = () => undefined;
    child.on('error', onError);
    if (forward) child.on('metrics_collected', forward);
    unlisten.push(() => {
      child.off('error', onError);
      if (forward) child.off('metrics_collected', forward);
    });
  }
  return () => {
    for (const remove of unlisten.splice(0)) remove();
  };
}

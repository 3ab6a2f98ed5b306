import { type llm, type SessionConnectOptions, type stt, type tts, type VAD, voice } from '@livekit/agents';
import { EventEmitter } from 'eventemitter3';
import type { ParsedConfig, ParsedEntry } from '../config/parse-config.js';
import { maskSecrets } from '../config/secrets.js';
import { MODALITIES, type Modality, VoiceStackError } from '../errors/index.js';
import type { Logger } from '../config/logger.js';
import { closeInstance, type ProviderOption } from '../providers/provider-option.js';
import { type CallFields, VOICE_STACK_EVENTS, type VoiceStackEvents } from '../policies/events.js';
import { callFieldsOf, sessionConnOptions } from './call-context.js';
import type { StartupFallback } from './inference-safety-net.js';
import { checkHealth, type HealthOptions, type HealthReport } from './health.js';
import type { MetricsSummary } from './metrics-summary.js';

/** The options to spread into `new voice.AgentSession({ ...stack.sessionOptions() })`. */
export interface VoiceStackSessionOptions {
  stt?: stt.STT;
  llm?: llm.LLM | llm.RealtimeModel;
  tts?: tts.TTS;
  vad?: VAD;
  /**
   * The session's own retry loop is turned off (`maxRetry: 0`): the stack's chain already retries within its window,
   * and the session's default `maxRetry: 3` would re-run the whole chain.
   */
  connOptions: SessionConnectOptions;
}

/**
 * Something `attach(session)` installs on a session (the error listener, the spoken policy, metrics). `call` holds
 * the fields that tell this call's events from another's. Returns what removes it again.
 */
export type Attachment = (session: voice.AgentSession, stack: VoiceStack, call: CallFields) => () => void;

/** Options of `stack.attach(session, options)`. */
export interface AttachOptions {
  /** The call's id in your system, carried by every event of this session. @default a new UUID */
  sessionId?: string;
}

export interface VoiceStackInit {
  stt: stt.STT | undefined;
  llm: llm.LLM | llm.RealtimeModel | undefined;
  tts: tts.TTS | undefined;
  vad: VAD | undefined;
  options: Record<Modality, ProviderOption[]>;
  config: ParsedConfig;
  logger: Logger;
  attachments: Attachment[];
  /** Extra resources to release on close (chains, timers, probes). */
  closers: (() => Promise<void> | void)[];
  /** Collects the per-turn metrics of attached sessions (its attachment is in `attachments`). */
  metrics?: { summary(): MetricsSummary };
  /** The sessions' connection-option objects → their call (see `bindStreamsToCalls`). */
  calls?: WeakMap<object, CallFields>;
  /** Options left out because they could not start: each attached session gets a `fallback` event for them. */
  startupFallbacks?: readonly StartupFallback[];
  /** The config's `language`. */
  language?: string | undefined;
  /** Builds this stack's sibling for another language (see `forLanguage`). */
  derive?: (language: string) => Promise<VoiceStack>;
}

/**
 * The composed stack: LiveKit instances ready for an `AgentSession`, the policies around them, and their events.
 * Created by `createVoiceStack()`.
 */
export class VoiceStack extends EventEmitter<VoiceStackEvents> {
  /** Speech-to-text for the session (a chain when the config gave several options). */
  readonly stt: stt.STT | undefined;
  /** The language model (or speech-to-speech realtime model) for the session. */
  readonly llm: llm.LLM | llm.RealtimeModel | undefined;
  /** Text-to-speech for the session. */
  readonly tts: tts.TTS | undefined;
  /** The VAD the session needs (a non-streaming STT wrapped for live calls), if any. */
  readonly vad: VAD | undefined;
  /** Every option of every slot, in chain order, with its provider and model. */
  readonly options: Readonly<Record<Modality, readonly ProviderOption[]>>;
  /**
   * The validated config, with defaults applied, as a masked view: keys show only their last 4 characters, URL
   * credentials are hidden, and each entry's adapter or LiveKit instance is not enumerable (so `JSON.stringify` and
   * `inspect` print no key). The stack itself was built from the unmasked config.
   */
  readonly config: ParsedConfig;
  readonly logger: Logger;

  readonly #attachments: Attachment[];
  readonly #closers: (() => Promise<void> | void)[];
  readonly #metrics: VoiceStackInit['metrics'];
  readonly #calls: WeakMap<object, CallFields>;
  readonly #startupFallbacks: readonly StartupFallback[];
  readonly #language: string | undefined;
  readonly #derive: ((language: string) => Promise<VoiceStack>) | undefined;
  readonly #languages = new Map<string, Promise<VoiceStack>>();
  readonly #detachers = new Map<voice.AgentSession, () => void>();
  #closed = false;

  constructor(init: VoiceStackInit) {
    super();
    this.stt = init.stt;
    this.llm = init.llm;
    this.tts = init.tts;
    this.vad = init.vad;
    this.options = init.options;
    this.config = maskedConfig(init.config);
    this.logger = init.logger;
    this.#attachments = init.attachments;
    this.#closers = init.closers;
    this.#metrics = init.metrics;
    this.#calls = init.calls ?? new WeakMap();
    this.#startupFallbacks = init.startupFallbacks ?? [];
    this.#language = init.language;
    this.#derive = init.derive;
  }

  /**
   * This stack for calls in `language`: the same config with `language` applied (each STT and TTS entry without a
   * language gets it, with the model and voice the language picks), built on first use, then shared by every call in
   * that language; its events are re-emitted here, its cooldowns are this stack's, and `close()` closes it. Lets one
   * worker serve a French call and an English call side by side.
   */
  forLanguage(language: string): Promise<VoiceStack> {
    if (language === this.#language) return Promise.resolve(this);
    if (this.#closed)
      return Promise.reject(
        new VoiceStackError('STACK_CLOSED', 'Failed to build a stack for a language: the stack is closed. Fix: create a new stack.'),
      );
    if (!this.#derive)
      return Promise.reject(
        new VoiceStackError(
          'INVALID_USE',
          'Failed to build a stack for a language: this stack was not built by createVoiceStack(). Fix: use createVoiceStack().',
        ),
      );
    let pending = this.#languages.get(language);
    if (!pending) {
      pending = this.#derive(language).then((sibling) => {
        for (const name of VOICE_STACK_EVENTS)
          (sibling.on as (event: string, listener: (payload: unknown) => void) => unknown)(name, (payload) =>
            (this.emit as (event: string, payload: unknown) => boolean)(name, payload),
          );
        return sibling;
      });
      pending.catch(() => this.#languages.delete(language));
      this.#languages.set(language, pending);
    }
    return pending;
  }

  /**
   * Probes every configured option for real, in parallel, each with a timeout (see docs/operations.md).
   * Never throws for a failing provider: the report says which failed, without secrets.
   */
  health(settings?: HealthOptions): Promise<HealthReport> {
    return checkHealth(this.options, settings);
  }

  /** p50/p95 latencies per provider and model, turns served per option, fallbacks, holds and apologies. */
  metrics(): MetricsSummary {
    if (!this.#metrics)
      throw new VoiceStackError(
        'INVALID_USE',
        'Failed to read metrics: this stack was built without a metrics collector. Fix: create it with createVoiceStack().',
      );
    return this.#metrics.summary();
  }

  /** `{ stt, llm, tts, vad?, connOptions }` for `new voice.AgentSession({ ...stack.sessionOptions() })`. */
  sessionOptions(): VoiceStackSessionOptions {
    const noRetry = { maxRetry: 0 };
    return {
      ...(this.stt && { stt: this.stt }),
      ...(this.llm && { llm: this.llm }),
      ...(this.tts && { tts: this.tts }),
      ...(this.vad && { vad: this.vad }),
      connOptions: { sttConnOptions: noRetry, llmConnOptions: noRetry, ttsConnOptions: noRetry },
    };
  }

  /**
   * Installs on `session` the error listener (without one, LiveKit silently stops retrying), the spoken error
   * policy and metrics collection. Every event of this session carries its `sessionId` (and, inside a job, the room
   * name and job id), so that concurrent calls on one stack never mix. Returns `detach()`, which removes them all;
   * closing the session detaches too.
   */
  attach(session: voice.AgentSession, options: AttachOptions = {}): () => void {
    const existing = this.#detachers.get(session);
    if (existing) return existing;
    const call = callFieldsOf(options.sessionId);
    for (const connOptions of sessionConnOptions(session)) this.#calls.set(connOptions, call);
    const onError = (event: voice.ErrorEvent) => {
      const { error } = event;
      const cause = 'error' in error ? (error.error as Error | undefined)?.message : undefined;
      const fields = { label: 'label' in error ? error.label : 'interruption', recoverable: error.recoverable, error: cause };
      if (error.recoverable) this.logger.debug('session reported a recoverable error', fields);
      else this.logger.warn('session reported an error', fields);
    };
    session.on(voice.AgentSessionEventTypes.Error, onError);
    const removers = this.#attachments.map((attachment) => attachment(session, this, call));
    const detach = () => {
      if (this.#detachers.get(session) !== detach) return;
      this.#detachers.delete(session);
      session.off(voice.AgentSessionEventTypes.Error, onError);
      session.off(voice.AgentSessionEventTypes.Close, detach);
      for (const remove of removers) remove();
    };
    session.on(voice.AgentSessionEventTypes.Close, detach);
    this.#detachers.set(session, detach);
    for (const { modality, from, error } of this.#startupFallbacks) {
      const to = this.options[modality][0]?.label ?? 'none';
      this.emit('fallback', { modality, from, to, error, atStartup: true, ...call });
    }
    return detach;
  }

  /** Removes what `attach()` installed on `session`, or on every attached session. */
  detach(session?: voice.AgentSession): void {
    const detachers = session ? [this.#detachers.get(session)] : [...this.#detachers.values()];
    for (const detach of detachers) detach?.();
  }

  /** Releases sockets, timers and listeners. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.detach();
    await Promise.allSettled([...this.#languages.values()].map((pending) => pending.then((sibling) => sibling.close())));
    await Promise.allSettled(this.#closers.map((close) => close()));
    const instances = new Set<unknown>([this.stt, this.llm, this.tts]);
    for (const modality of MODALITIES) for (const option of this.options[modality]) instances.add(option.instance);
    await Promise.allSettled([...instances].filter(Boolean).map((instance) => closeInstance(instance)));
    this.removeAllListeners();
  }

  /** `VoiceStack(stt: …, llm: openrouter/a → llama-cpp/local, tts: …)`: providers and models, never a secret. */
  override toString(): string {
    return `VoiceStack(${describeOptions(this.options)})`;
  }

  /** `console.log(stack)` prints the summary, never the options (they hold keys). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  toJSON(): { providers: Record<Modality, string[]> } {
    const labels = (modality: Modality) => this.options[modality].map((option) => option.label);
    return { providers: { stt: labels('stt'), llm: labels('llm'), tts: labels('tts') } };
  }
}

/** `llm: openrouter/a → llama-cpp/local; tts: cartesia/sonic-turbo`. */
export function describeOptions(options: Readonly<Record<Modality, readonly ProviderOption[]>>): string {
  return MODALITIES.filter((modality) => options[modality].length > 0)
    .map((modality) => `${modality}: ${options[modality].map((option) => option.label).join(' → ')}`)
    .join('; ');
}

/** `config` with every entry's options masked, and its adapter or instance kept out of JSON and `inspect`. */
function maskedConfig(config: ParsedConfig): ParsedConfig {
  const entry = (parsed: ParsedEntry): ParsedEntry => {
    const { adapter, instance, ...shown } = parsed as ParsedEntry & { adapter?: unknown; instance?: unknown };
    const view = { ...shown, ...('options' in shown && { options: maskSecrets(shown.options) }) } as ParsedEntry;
    const hidden = parsed.kind === 'adapter' ? { adapter } : { instance };
    for (const [key, value] of Object.entries(hidden)) Object.defineProperty(view, key, { value, enumerable: false });
    return view;
  };
  return { ...config, stt: config.stt.map(entry), llm: config.llm.map(entry), tts: config.tts.map(entry) };
}

import type { llm, stt, tts } from '@livekit/agents';
import { EventEmitter } from 'eventemitter3';
import { parseConfig } from '../config/parse-config.js';
import type { VoiceStackConfig } from '../config/voice-stack-config.js';
import { MODALITIES, type Modality } from '../errors/index.js';
import { creationError } from '../errors/missing-setup-error.js';
import { builtinAdapters } from '../providers/builtin-adapters.js';
import { checkLiveKitInternals } from '../providers/livekit-internals.js';
import type { AnyAdapter } from '../providers/define-adapter.js';
import { defaultStore } from '../state/default-store.js';
import { checkStore } from '../state/check-store.js';
import { guardStore } from '../state/guard-store.js';
import { recordFleetEvents } from './fleet-events.js';
import type { StateStore } from '../state/state-store.js';
import { defaultLogger, ensureLiveKitLogger, logBanner, type Logger } from '../config/logger.js';
import { closeInstance, createProviderOptions, type ProviderOption } from '../providers/provider-option.js';
import { composeLLM, composeSTT, composeTTS, type ComposeContext } from './compose.js';
import { MetricsCollector } from './metrics.js';
import { type FleetMetricsOptions, recordFleetMetrics } from './fleet-metrics.js';
import { transcriptEvents } from './transcript-events.js';
import { realtimePolicy } from './realtime-policy.js';
import { isRealtimeModel } from '../config/livekit-instance.js';
import { type CallFields, VOICE_STACK_EVENTS, type VoiceStackEvents } from '../policies/events.js';
import { describeOptions, VoiceStack, type Attachment } from './voice-stack.js';
import { activeCall, bindStreamsToCalls } from './call-context.js';
import { withoutUnstartableInference } from './inference-safety-net.js';
import { startupBanner } from './startup-banner.js';
import { withoutDuplicates } from './without-duplicates.js';
import { applyLanguage } from './language-choices.js';

export interface CreateVoiceStackOptions<A extends readonly AnyAdapter[] = readonly AnyAdapter[]> {
  /** Custom provider adapters (made with `defineAdapter()`); they take precedence over built-ins of the same name. */
  adapters?: A;
  /** Where the stack logs. @default LiveKit's logger (initialised at level `warn` when the host has not) */
  logger?: Logger;
  /** Aborts creation (e.g. a slow plugin import or health check). */
  signal?: AbortSignal;
  /** The environment to read provider keys from. @default process.env, read now (not at import) */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The mode this stack serves: shown in the startup banner, and the mode its fleet metrics are filed under (compared by
   * `livekit-voice-stack metrics`). Set by `createModeController()`. @default 'default'
   */
  mode?: string;
  /**
   * Add each finished turn, call, fallback and apology to the fleet's windowed counters in `store` (read by
   * `livekit-voice-stack metrics` and the dashboard) and to OpenTelemetry's global meter. `false` turns both off.
   * @default true, flushed every second
   */
  fleetMetrics?: boolean | FleetMetricsOptions;
  /**
   * Where the chains keep their cooldowns and the stack logs its fallbacks and apologies (the fleet log), shared by
   * every stack and process given the same store: LiveKit runs each call in its own process, so a cooldown must outlive
   * it. `createRedisStore()` shares them across machines (await it: a Promise is refused); `createMemoryStore()` keeps
   * them in this process.
   * @default the machine store (`createMachineStore()`); under a test runner, a memory store per test file (docs/testing.md)
   */
  store?: StateStore;
}

/**
 * Validates `config`, builds every provider of the three modalities in parallel, and composes them with the retry,
 * fallback and spoken-error policies.
 *
 * @throws {ConfigError} when the config is invalid (every problem, with its path and fix).
 * @throws {MissingPackageError} when a provider's plugin package is not installed.
 * @throws {MissingAPIKeyError} when a provider has no key in the config or the environment.
 * @throws {VoiceStackError} with code `MISSING_PACKAGE` or `MISSING_API_KEY` listing every one when several are missing.
 * @example
 * const stack = await createVoiceStack({ llm: [{ provider: 'openrouter', models: ['a', 'b'] }, { provider: 'llama-cpp' }] });
 * const session = new voice.AgentSession({ ...stack.sessionOptions() });
 * stack.attach(session);
 */
export async function createVoiceStack<const A extends readonly AnyAdapter[] = readonly []>(
  config: VoiceStackConfig<A[number]>,
  settings: CreateVoiceStackOptions<A> = {},
): Promise<VoiceStack> {
  return buildVoiceStack(config, settings, true);
}

/** `createVoiceStack()`; a language's sibling stack does not `record` to the fleet log (its events reach its parent's). */
async function buildVoiceStack<const A extends readonly AnyAdapter[]>(
  config: VoiceStackConfig<A[number]>,
  settings: CreateVoiceStackOptions<A>,
  record: boolean,
): Promise<VoiceStack> {
  if (settings.store !== undefined) checkStore(settings.store, 'createVoiceStack()');
  const adapters = [...(settings.adapters ?? []), ...builtinAdapters];
  // Plugin constructors log through LiveKit's logger, which throws until it is initialised (`cli.runApp` does it).
  ensureLiveKitLogger();
  checkLiveKitInternals();
  const logger = settings.logger ?? defaultLogger();
  const context = { env: settings.env ?? process.env, logger, signal: settings.signal };
  const { parsed, fallbacks } = withoutUnstartableInference(parseConfig(applyLanguage(config), adapters), context.env);

  const settled = await Promise.allSettled([
    createProviderOptions('stt', parsed.stt, context),
    createProviderOptions('llm', parsed.llm, context),
    createProviderOptions('tts', parsed.tts, context),
  ]);
  const created = settled.map((result) => (result.status === 'fulfilled' ? result.value : []));
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? (result.reason as AggregateError).errors : []));
  if (failures.length) {
    await Promise.allSettled(created.flat().map((option) => closeInstance(option.instance)));
    throw creationError(failures);
  }
  const [sttOptions, llmOptions, ttsOptions] = (await Promise.all(
    MODALITIES.map((modality, index) => withoutDuplicates(modality, created[index]!, logger)),
  )) as [ProviderOption<'stt'>[], ProviderOption<'llm'>[], ProviderOption<'tts'>[]];
  settings.signal?.throwIfAborted();

  const events = new EventEmitter<VoiceStackEvents>();
  const attachments: Attachment[] = [];
  const closers: (() => Promise<void> | void)[] = [() => void events.removeAllListeners()];
  const compose: ComposeContext = {
    retry: parsed.retry,
    verbal: parsed.verbal,
    events,
    logger,
    // One guard for the stack's chains (and the stacks it derives): a store outage is logged once, not once per chain.
    store: guardStore(settings.store ?? defaultStore(logger), { logger }),
    attach: (attachment) => void attachments.push(attachment),
    onClose: (close) => void closers.push(close),
  };
  const sttInstance: stt.STT | undefined = sttOptions.length ? composeSTT(sttOptions, compose) : undefined;
  const llmInstance: llm.LLM | llm.RealtimeModel | undefined = llmOptions.length ? composeLLM(llmOptions, compose) : undefined;
  const ttsInstance: tts.TTS | undefined = ttsOptions.length ? composeTTS(ttsOptions, compose) : undefined;
  const providers: Record<Modality, ProviderOption[]> = { stt: sttOptions, llm: llmOptions, tts: ttsOptions };
  const metrics = new MetricsCollector(providers, parsed.verbal, events);
  attachments.push(metrics.attachment, transcriptEvents(providers));
  if (settings.fleetMetrics !== false) {
    const fleet = recordFleetMetrics({
      store: compose.store,
      mode: settings.mode ?? 'default',
      events,
      onTurn: (listener) => metrics.onTurn(listener),
      options: providers,
      flushIntervalMs: typeof settings.fleetMetrics === 'object' ? settings.fleetMetrics.flushIntervalMs : undefined,
    });
    attachments.push(fleet.attachment);
    closers.push(() => fleet.close());
  }
  if (isRealtimeModel(llmInstance)) attachments.push(realtimePolicy(llmOptions[0]!, parsed.verbal, events, logger));

  const calls = new WeakMap<object, CallFields>();
  for (const instance of [sttInstance, llmInstance, ttsInstance]) bindStreamsToCalls(instance, calls);

  const store = compose.store;
  const stack = new VoiceStack({
    language: config.language,
    // Another language's stack for calls in it: same config and settings, the same cooldowns.
    derive: (language) => buildVoiceStack({ ...config, language }, { ...settings, logger, store }, false),
    stt: sttInstance,
    llm: llmInstance,
    tts: ttsInstance,
    vad: sttOptions.find((option) => option.vad)?.vad,
    options: providers,
    config: parsed,
    logger,
    attachments,
    closers,
    metrics,
    calls,
    startupFallbacks: fallbacks,
  });
  // The policies emit on `events`; users listen on the stack.
  forwardEvents(events, stack);
  if (record) closers.push(recordFleetEvents(stack, store));
  const banner = startupBanner(providers, { mode: settings.mode, fallbacks });
  // Once per process on the terminal when the library set up the logger; else each stack, to the host's logger.
  logBanner(logger, {
    custom: settings.logger !== undefined,
    ...(fallbacks.length > 0
      ? { level: 'warn', message: `voice stack starts without LiveKit Inference:\n${banner.text}` }
      : { level: 'info', message: `voice stack ready: ${describeOptions(providers) || 'no providers'}\n${banner.text}` }),
    fields: { ...banner.fields },
  });
  return stack;
}

/** Re-emits the policies' events on the stack, with the fields of the call whose stream emitted them. */
function forwardEvents(from: EventEmitter<VoiceStackEvents>, to: VoiceStack): void {
  for (const name of VOICE_STACK_EVENTS) {
    (from.on as (event: string, listener: (payload: object) => void) => unknown)(name, (payload) => {
      const call = activeCall();
      const withCall = call && !('sessionId' in payload) ? { ...payload, ...call } : payload;
      (to.emit as (event: string, payload: unknown) => boolean)(name, withCall);
    });
  }
}

import { type metrics as lkMetrics, voice } from '@livekit/agents';
import type { EventEmitter } from 'eventemitter3';
import type { Modality } from '../errors/index.js';
import type { TurnMetrics, VoiceStackEvents } from '../policies/events.js';
import type { ProviderOption } from '../providers/provider-option.js';
import type { CounterFields } from '../state/counter-fields.js';
import type { StateStore } from '../state/state-store.js';
import { LATENCY_NAMES, optionField, OWN_LATENCY, TIERS, windowKey, windowStart } from './fleet-metrics-layout.js';
import { bucketOf } from './latency-histogram.js';
import { optionLabel } from './metrics.js';
import { OtelRecorder } from './otel-metrics.js';
import type { Attachment } from './voice-stack.js';

/** Options of a stack's fleet metrics (`createVoiceStack(config, { fleetMetrics })`). */
export interface FleetMetricsOptions {
  /** How often the counters gathered in this process are added to the store, in ms (and once more at `close()`). @default 1000 */
  flushIntervalMs?: number;
}

export interface FleetMetricsInit {
  /** The stack's (guarded) store. */
  store: StateStore;
  /** The mode the figures are filed under. */
  mode: string;
  /** The stack's own chains' events (not a language sibling's, which records its own). */
  events: EventEmitter<VoiceStackEvents>;
  /** Subscribes to the turns of sessions attached to this stack (MetricsCollector.onTurn). */
  onTurn: (listener: (turn: TurnMetrics) => void) => void;
  options: Readonly<Record<Modality, readonly ProviderOption[]>>;
  flushIntervalMs?: number | undefined;
}

export interface FleetMetricsRecorder {
  /** Counts each attached session as a call, and reports its LLM requests to OpenTelemetry. */
  attachment: Attachment;
  /** Adds what is pending to the store now. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  close(): Promise<void>;
}

/**
 * Adds each finished turn, call, fallback, holding phrase and apology of a stack to the fleet's windowed counters in
 * the store (fleet-metrics-layout.ts), and records the same on OpenTelemetry's global meter. Nothing is written on a
 * turn's path: the counters gather in memory (a few map updates per turn) and are flushed every `flushIntervalMs`
 * through the store's `increment`, fail-open like every store call. A store without `increment` gets only the
 * OpenTelemetry figures.
 */
export function recordFleetMetrics(init: FleetMetricsInit): FleetMetricsRecorder {
  const { store, mode, events, options } = init;
  const otel = new OtelRecorder(mode);
  /** Window key → its counters and expiry (the window's end plus its tier's retention). */
  let pending = new Map<string, { fields: CounterFields; expiresAt: number }>();
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  const add = (fields: CounterFields, at = Date.now()) => {
    if (!store.increment) return;
    for (const tier of TIERS) {
      const start = windowStart(at, tier);
      const key = windowKey(tier, start, mode);
      let entry = pending.get(key);
      if (!entry) pending.set(key, (entry = { fields: {}, expiresAt: start + tier.windowMs + tier.retentionMs }));
      for (const [field, value] of Object.entries(fields)) entry.fields[field] = (entry.fields[field] ?? 0) + value;
    }
  };

  const onTurn = (turn: TurnMetrics) => {
    const fields: CounterFields = { turns: 1 };
    if (turn.fallbacks > 0) fields.fallbackTurns = 1;
    if (turn.apologised) fields.apologies = 1;
    const latency: Partial<Record<(typeof LATENCY_NAMES)[number], number>> = {};
    for (const name of LATENCY_NAMES) {
      const value = turn[name];
      const bucket = value === undefined ? undefined : bucketOf(value);
      if (bucket === undefined) continue;
      latency[name] = value;
      fields[`h:${name}:${bucket}`] = 1;
    }
    for (const modality of ['stt', 'llm', 'tts'] as const) {
      const label = turn.servedBy[modality];
      if (!label) continue;
      const prefix = optionField(modality, label);
      fields[`${prefix}turns`] = 1;
      for (const name of [OWN_LATENCY[modality], 'endToEndMs'] as const) {
        const value = latency[name];
        if (value !== undefined) fields[`${prefix}h:${name}:${bucketOf(value)}`] = 1;
      }
    }
    add(fields);
    otel.turn(latency, turn.apologised);
  };
  init.onTurn(onTurn);

  const onFallback: VoiceStackEvents['fallback'] = ({ modality, from, error }) => {
    const category = error.category ?? 'unknown';
    const option = optionField(modality, from);
    add({ fallbacks: 1, [`e:${category}`]: 1, [`${option}fallbacks`]: 1, [`${option}e:${category}`]: 1 });
    otel.failure(modality, category, true);
  };
  const onHolding: VoiceStackEvents['holding'] = ({ modality }) => {
    add({ holds: 1 });
    otel.count('holds', { 'livekit_voice_stack.modality': modality });
  };
  const onExhausted: VoiceStackEvents['exhausted'] = ({ modality, errors }) => {
    const last = errors.at(-1);
    const category = last?.category ?? 'unknown';
    add({
      exhausted: 1,
      [`e:${category}`]: 1,
      ...(last?.label && { [`${optionField(modality, last.label)}e:${category}`]: 1 }),
    });
    otel.count('exhausted', { 'livekit_voice_stack.modality': modality });
    otel.failure(modality, category, false);
  };
  events.on('fallback', onFallback);
  events.on('holding', onHolding);
  events.on('exhausted', onExhausted);

  const flush = (): Promise<void> => {
    // One flush at a time; what arrives meanwhile waits for the next.
    flushing = flushing.then(async () => {
      if (pending.size === 0 || !store.increment) return;
      const batch = pending;
      pending = new Map();
      const now = Date.now();
      await Promise.all([...batch].map(([key, { fields, expiresAt }]) => store.increment!(key, fields, Math.max(1, expiresAt - now))));
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), init.flushIntervalMs ?? 1_000);
  timer.unref();

  const attachment: Attachment = (session) => {
    add({ calls: 1 });
    otel.count('calls');
    const onMetrics = ({ metrics: item }: voice.MetricsCollectedEvent) => {
      if (item.type !== 'llm_metrics' && item.type !== 'realtime_model_metrics') return;
      const option = llmOption(options.llm, item);
      otel.llmRequest(option.provider, option.model, item.ttftMs, item.durationMs);
    };
    session.on(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
    return () => session.off(voice.AgentSessionEventTypes.MetricsCollected, onMetrics);
  };

  return {
    attachment,
    flush,
    close: async () => {
      if (closed) return flushing;
      closed = true;
      clearInterval(timer);
      events.off('fallback', onFallback);
      events.off('holding', onHolding);
      events.off('exhausted', onExhausted);
      await flush();
    },
  };
}

/** The option (provider and model) that served an LLM request, from LiveKit's metadata. */
function llmOption(
  options: readonly ProviderOption[],
  item: lkMetrics.LLMMetrics | lkMetrics.RealtimeModelMetrics,
): { provider: string; model: string } {
  const metadata = 'metadata' in item ? item.metadata : undefined;
  const label = optionLabel(options, metadata) ?? (options.length === 1 ? options[0]!.label : undefined);
  const option = options.find((candidate) => candidate.label === label);
  if (option) return { provider: option.provider, model: option.model };
  return { provider: metadata?.modelProvider ?? 'unknown', model: metadata?.modelName ?? 'unknown' };
}

import { type Attributes, type Counter, type Histogram, type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import type { ErrorCategory, Modality } from '../errors/index.js';
import type { LatencyName } from './metrics-summary.js';

/** The meter every figure is recorded on. */
export const METER_NAME = 'livekit-voice-stack';

/**
 * The names of what is recorded on OpenTelemetry's global meter (docs/operations.md, "Metric names"). LLM requests follow
 * the GenAI semantic conventions; the rest are ours, each with `livekit_voice_stack.mode`.
 */
export const OTEL_METRIC_NAMES = {
  llmTimeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  llmDuration: 'gen_ai.client.operation.duration',
  latency: {
    sttDurationMs: 'livekit_voice_stack.stt.duration',
    endOfUtteranceDelayMs: 'livekit_voice_stack.end_of_utterance.delay',
    llmTtftMs: 'livekit_voice_stack.llm.time_to_first_token',
    ttsTtfbMs: 'livekit_voice_stack.tts.time_to_first_audio',
    endToEndMs: 'livekit_voice_stack.turn.duration',
  } satisfies Record<LatencyName, string>,
  calls: 'livekit_voice_stack.calls',
  turns: 'livekit_voice_stack.turns',
  fallbacks: 'livekit_voice_stack.fallbacks',
  holds: 'livekit_voice_stack.holds',
  apologies: 'livekit_voice_stack.apologies',
  exhausted: 'livekit_voice_stack.exhausted',
  errors: 'livekit_voice_stack.errors',
} as const;

/** The attribute that carries the mode on every figure. */
export const MODE_ATTRIBUTE = 'livekit_voice_stack.mode';

/** Seconds: the GenAI conventions' advice for operation durations, used for every latency. */
const BOUNDARIES = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

interface Instruments {
  ttfc: Histogram;
  duration: Histogram;
  latency: Record<LatencyName, Histogram>;
  counters: Record<'calls' | 'turns' | 'fallbacks' | 'holds' | 'apologies' | 'exhausted' | 'errors', Counter>;
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/**
 * The instruments of the global meter provider as it is now: an app may install its MeterProvider after the stack is
 * built, so the provider is looked up at each record (a property read) and the instruments made again when it changed.
 * Without a provider, the API's no-op meter records nothing.
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider === provider) return cached.instruments;
  const meter: Meter = provider.getMeter(METER_NAME);
  const histogram = (name: string, description: string) =>
    meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: BOUNDARIES } });
  const counter = (name: string, description: string) => meter.createCounter(name, { description });
  const made: Instruments = {
    ttfc: histogram(OTEL_METRIC_NAMES.llmTimeToFirstChunk, 'Time to the first chunk of an LLM response'),
    duration: histogram(OTEL_METRIC_NAMES.llmDuration, 'Duration of an LLM request'),
    latency: {
      sttDurationMs: histogram(OTEL_METRIC_NAMES.latency.sttDurationMs, 'Speech-to-text time of a turn'),
      endOfUtteranceDelayMs: histogram(
        OTEL_METRIC_NAMES.latency.endOfUtteranceDelayMs,
        'End of the user’s speech to the end-of-turn decision',
      ),
      llmTtftMs: histogram(OTEL_METRIC_NAMES.latency.llmTtftMs, 'LLM time to first token of a turn'),
      ttsTtfbMs: histogram(OTEL_METRIC_NAMES.latency.ttsTtfbMs, 'Text-to-speech time to first audio of a turn'),
      endToEndMs: histogram(OTEL_METRIC_NAMES.latency.endToEndMs, 'End of the user’s speech to the first audio of the reply'),
    },
    counters: {
      calls: counter(OTEL_METRIC_NAMES.calls, 'Sessions attached to a stack'),
      turns: counter(OTEL_METRIC_NAMES.turns, 'Finished turns'),
      fallbacks: counter(OTEL_METRIC_NAMES.fallbacks, 'Moves of a chain to its next option'),
      holds: counter(OTEL_METRIC_NAMES.holds, 'Holding phrases spoken'),
      apologies: counter(OTEL_METRIC_NAMES.apologies, 'Turns answered with the apology'),
      exhausted: counter(OTEL_METRIC_NAMES.exhausted, 'Chains that spent their retry window'),
      errors: counter(OTEL_METRIC_NAMES.errors, 'Provider failures the calls felt, by error.type'),
    },
  };
  cached = { provider, instruments: made };
  return made;
}

/** Records a stack's figures on the global meter, each with the stack's mode. */
export class OtelRecorder {
  readonly #mode: Attributes;

  constructor(mode: string) {
    this.#mode = { [MODE_ATTRIBUTE]: mode };
  }

  /** One LLM request (LiveKit's `llm_metrics` or `realtime_model_metrics`), in GenAI terms. */
  llmRequest(provider: string, model: string, ttftMs: number, durationMs: number): void {
    const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': provider, 'gen_ai.request.model': model, ...this.#mode };
    const { ttfc, duration } = instruments();
    if (ttftMs >= 0) ttfc.record(ttftMs / 1000, attributes);
    if (durationMs >= 0) duration.record(durationMs / 1000, attributes);
  }

  /** A finished turn: its latencies and whether it was answered with the apology. */
  turn(latency: Partial<Record<LatencyName, number | undefined>>, apologised: boolean): void {
    const made = instruments();
    made.counters.turns.add(1, this.#mode);
    if (apologised) made.counters.apologies.add(1, this.#mode);
    for (const [name, ms] of Object.entries(latency) as Array<[LatencyName, number | undefined]>) {
      if (ms !== undefined && ms >= 0) made.latency[name].record(ms / 1000, this.#mode);
    }
  }

  count(name: 'calls' | 'holds' | 'exhausted', attributes: Attributes = {}): void {
    instruments().counters[name].add(1, { ...attributes, ...this.#mode });
  }

  /** A failure that moved a chain (or ended it): a fallback, when it moved, and an error of its category. */
  failure(modality: Modality, category: ErrorCategory, moved: boolean): void {
    const made = instruments();
    const attributes = { 'livekit_voice_stack.modality': modality, 'error.type': category, ...this.#mode };
    if (moved) made.counters.fallbacks.add(1, attributes);
    made.counters.errors.add(1, attributes);
  }
}

import type { Modality } from '../errors/index.js';

/** p50/p95 (nearest rank) of one figure, in ms, over the collected turns. */
export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  mean: number;
}

/** The figures of a turn that are summarised. */
export type LatencyName = 'sttDurationMs' | 'endOfUtteranceDelayMs' | 'llmTtftMs' | 'ttsTtfbMs' | 'endToEndMs';

/** One option's share of the turns, and its latencies. */
export interface OptionMetrics {
  modality: Modality;
  provider: string;
  model: string;
  /** Turns this option served (its modality's part of them). */
  turns: number;
  /** Its own figure (STT duration, LLM TTFT or TTS TTFB) and the end-to-end latency of the turns it served. */
  latency: Partial<Record<LatencyName, LatencyStats>>;
}

/** What `stack.metrics()` returns: comparable across stacks (e.g. the two modes of a mode controller). */
export interface MetricsSummary {
  /** Turns collected (the most recent {@link MAX_TURNS} are kept for the percentiles). */
  turns: number;
  /** Every turn, whichever option served it. */
  latency: Partial<Record<LatencyName, LatencyStats>>;
  /** Keyed by `provider/model`. */
  options: Record<string, OptionMetrics>;
  /** `fallback` events (the chain moved to the next option), in total and per modality. */
  fallbacks: number;
  fallbacksByModality: Partial<Record<Modality, number>>;
  /** Holding phrases spoken (`holding` events). */
  holds: number;
  /** Apologies spoken: the LLM chain was exhausted while the spoken policy is on. */
  apologies: number;
  /** `exhausted` events of every modality. */
  exhausted: number;
  /** `Date.now()` when collection started. */
  since: number;
}

/** How many recent turns the percentiles are computed over. */
export const MAX_TURNS = 1_000;

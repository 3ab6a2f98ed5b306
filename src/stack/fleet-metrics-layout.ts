import type { Modality } from '../errors/index.js';
import type { LatencyName } from './metrics-summary.js';

/**
 * Where fleet metrics live in a store, and how their counter fields are named: one hash of counters per time window
 * and mode, `fleet:metrics:<tier>:<window start ms>:<mode>`, written by every stack (`recordFleetMetrics`) and read by
 * `livekit-voice-stack metrics` and the dashboard (`readFleetMetrics`).
 *
 * Mode fields: `calls`, `turns`, `fallbacks`, `fallbackTurns`, `holds`, `apologies`, `exhausted`, `e:<error category>`
 * and `h:<latency>:<bucket>` (see latency-histogram.ts). Option fields repeat them under
 * `o:<modality>:<provider/model, URI-encoded>:`.
 */
export const FLEET_METRICS_PREFIX = 'fleet:metrics:';

/** A resolution of the windows, with how long its windows are kept. */
export interface MetricsTier {
  readonly name: 'm' | 'h';
  readonly windowMs: number;
  readonly retentionMs: number;
}

/** One-minute windows, kept 3 hours: `--since` up to 3 h reads these. */
export const MINUTE_TIER: MetricsTier = { name: 'm', windowMs: 60_000, retentionMs: 3 * 3_600_000 };
/** One-hour windows, kept 2 days: longer `--since` reads these (whole hours). */
export const HOUR_TIER: MetricsTier = { name: 'h', windowMs: 3_600_000, retentionMs: 48 * 3_600_000 };
export const TIERS = [MINUTE_TIER, HOUR_TIER] as const;
/** The longest `--since` the windows can answer. */
export const MAX_SINCE_MS = HOUR_TIER.retentionMs;

/** The latency figures of a turn, with the names `stack.metrics()` uses. */
export const LATENCY_NAMES = [
  'sttDurationMs',
  'endOfUtteranceDelayMs',
  'llmTtftMs',
  'ttsTtfbMs',
  'endToEndMs',
] as const satisfies readonly LatencyName[];

/** Each modality's own figure, recorded for the option that served it (with the turn's end to end). */
export const OWN_LATENCY: Record<Modality, LatencyName> = { stt: 'sttDurationMs', llm: 'llmTtftMs', tts: 'ttsTtfbMs' };

export function windowStart(at: number, tier: MetricsTier): number {
  return Math.floor(at / tier.windowMs) * tier.windowMs;
}

export function windowKey(tier: MetricsTier, start: number, mode: string): string {
  return `${FLEET_METRICS_PREFIX}${tier.name}:${start}:${encodeURIComponent(mode)}`;
}

/** `{ tier, start, mode }` of a key, or `undefined` for one that is not a window's. */
export function parseWindowKey(key: string): { tier: MetricsTier; start: number; mode: string } | undefined {
  const match = /^fleet:metrics:([mh]):(\d{1,15}):([^:]{1,400})$/.exec(key);
  if (!match) return undefined;
  try {
    return { tier: match[1] === 'm' ? MINUTE_TIER : HOUR_TIER, start: Number(match[2]), mode: decodeURIComponent(match[3]!) };
  } catch {
    return undefined;
  }
}

/** The prefix of an option's fields. */
export function optionField(modality: Modality, label: string): string {
  return `o:${modality}:${encodeURIComponent(label)}:`;
}

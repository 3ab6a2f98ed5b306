import type { ErrorCategory, Modality } from '../errors/index.js';
import type { CounterFields } from '../state/counter-fields.js';
import type { StateStore } from '../state/state-store.js';
import { type Interval, medianDifference, proportionDifference, rateDifference } from './compare-modes.js';
import {
  FLEET_METRICS_PREFIX,
  HOUR_TIER,
  LATENCY_NAMES,
  MAX_SINCE_MS,
  MINUTE_TIER,
  type MetricsTier,
  OWN_LATENCY,
  parseWindowKey,
  windowStart,
} from './fleet-metrics-layout.js';
import { type Buckets, bucketPercentile, countOf, isBucket, mergeBuckets, RELATIVE_ERROR } from './latency-histogram.js';
import type { LatencyName } from './metrics-summary.js';
import { VoiceStackError } from '../errors/index.js';

/** p50/p95 of one latency read from the fleet's merged buckets (within {@link RELATIVE_ERROR}), and how many turns had it. */
export interface FleetLatency {
  p50: number;
  p95: number;
  count: number;
}

/** Counts shared by a mode and an option. */
interface Counts {
  turns: number;
  /** `fallback` events: a chain moved to its next option. */
  fallbacks: number;
  /** Provider failures the calls felt (one per fallback, one per exhausted chain), in total and by category. */
  errors: number;
  errorsByCategory: Partial<Record<ErrorCategory, number>>;
}

/** One mode's figures over the fleet. */
export interface ModeFigures extends Counts {
  /** Sessions attached to a stack of this mode. */
  calls: number;
  /** Turns during which a chain fell back at least once. */
  fallbackTurns: number;
  /** Holding phrases spoken. */
  holds: number;
  /** Turns answered with the apology. */
  apologies: number;
  /** Chains that spent their retry window. */
  exhausted: number;
  /** Per turn: `fallback` = fallbackTurns / turns, `apology` = apologies / turns, `error` = errors / turns. */
  rates: { fallback: number; apology: number; error: number };
  latency: Partial<Record<LatencyName, FleetLatency>>;
}

/** One option's figures within a mode. */
export interface OptionFigures extends Counts {
  modality: Modality;
  label: string;
  /** Its modality's own figure and the end to end of the turns it served. */
  latency: Partial<Record<LatencyName, FleetLatency>>;
}

/** One compared figure: `candidate − baseline` with its 95 % interval. */
export interface FigureDifference extends Interval {
  /** `llmTtftMs.p50` …, `fallbackRate`, `apologyRate`, `errorRate`. */
  figure: string;
  baseline: number;
  candidate: number;
  /** `higher`/`lower`: the interval excludes 0, the candidate's figure is higher/lower; else `unclear`. */
  finding: 'higher' | 'lower' | 'unclear';
}

/** One mode compared with the baseline (the mode with the most turns). */
export interface ModeVerdict {
  baseline: string;
  candidate: string;
  /** `ready`, or `not-enough-turns` while either mode has fewer than `minTurns` turns. */
  status: 'ready' | 'not-enough-turns';
  /** The mode whose end-to-end (else LLM TTFT) median is higher with 95 % confidence, if either. */
  slower?: string;
  /** One line: "realtime is slower than pipeline: …", "no clear difference …", "not enough turns yet …". */
  summary: string;
  differences: FigureDifference[];
}

/** What `livekit-voice-stack metrics --json` prints and `GET /api/metrics` answers. */
export interface FleetMetricsReport {
  store: string;
  /** The start of the oldest window read and now (`Date.now()`). */
  from: number;
  to: number;
  /** The windows' length: 60000 up to 3 h back, 3600000 beyond. */
  windowMs: number;
  /** A percentile read from buckets is within this share of the exact one (plus 0.05 ms of rounding). */
  percentileError: number;
  minTurns: number;
  modes: Record<string, ModeFigures>;
  /** Per mode, per option (`provider/model`). */
  options: Record<string, Record<string, OptionFigures>>;
  verdicts: ModeVerdict[];
}

export interface ReadFleetMetricsOptions {
  /** How far back, in ms (up to 48 h). @default 900000 (15 minutes) */
  sinceMs?: number;
  /** Fewer turns than this in either mode gives "not enough turns yet". @default 30 */
  minTurns?: number;
  now?: number;
}

/** Most modes and options per mode reported (the store may hold anything). */
const MAX_MODES = 50;
const MAX_OPTIONS = 50;

/**
 * Reads the fleet's windowed counters from `store` (its `counters` op, which asks the backing service) and turns them
 * into per-mode and per-option figures and verdicts. Malformed entries are skipped.
 * @throws when the store has no `counters` op, or cannot be read.
 */
export async function readFleetMetrics(store: StateStore, options: ReadFleetMetricsOptions = {}): Promise<FleetMetricsReport> {
  if (!store.counters)
    throw new VoiceStackError(
      'INVALID_USE',
      `Failed to read the fleet metrics: the ${store.kind} store keeps no counters. Fix: use the machine store, createRedisStore() or createMemoryStore().`,
    );
  const now = options.now ?? Date.now();
  const sinceMs = Math.min(Math.max(options.sinceMs ?? 15 * 60_000, 1), MAX_SINCE_MS);
  const tier: MetricsTier = sinceMs <= MINUTE_TIER.retentionMs ? MINUTE_TIER : HOUR_TIER;
  const from = windowStart(now - sinceMs, tier);
  const windows = (await store.counters(`${FLEET_METRICS_PREFIX}${tier.name}:`)).filter(([key]) => {
    const parsed = parseWindowKey(key);
    return parsed && parsed.tier === tier && parsed.start >= from && parsed.start <= now;
  });
  return summarise(windows, { store: store.kind, from, to: now, windowMs: tier.windowMs, minTurns: options.minTurns ?? 30 });
}

/** Builds the report from window entries (exported for tests of hostile input). */
export function summarise(
  windows: ReadonlyArray<readonly [string, CounterFields]>,
  meta: { store: string; from: number; to: number; windowMs: number; minTurns: number },
): FleetMetricsReport {
  const modes = new Map<string, Tally>();
  for (const [key, fields] of windows) {
    const parsed = parseWindowKey(key);
    if (!parsed) continue;
    let tally = modes.get(parsed.mode);
    if (!tally) {
      if (modes.size >= MAX_MODES) continue;
      modes.set(parsed.mode, (tally = newTally()));
    }
    addWindow(tally, fields);
  }
  const report: FleetMetricsReport = {
    ...meta,
    percentileError: Math.round(RELATIVE_ERROR * 10_000) / 10_000,
    modes: {},
    options: {},
    verdicts: [],
  };
  for (const [mode, tally] of modes) {
    report.modes[mode] = modeFigures(tally);
    const options: Record<string, OptionFigures> = {};
    for (const [id, option] of tally.options) {
      const [modality, label] = splitOption(id);
      const name = options[label] ? `${label} (${modality})` : label;
      options[name] = {
        modality,
        label,
        turns: option.counts.turns ?? 0,
        fallbacks: option.counts.fallbacks ?? 0,
        ...errorsOf(option.counts),
        latency: latencyOf(option.histograms),
      };
    }
    report.options[mode] = options;
  }
  report.verdicts = verdicts(modes, meta.minTurns);
  return report;
}

interface Tally {
  counts: Record<string, number>;
  histograms: Map<LatencyName, Buckets>;
  options: Map<string, { counts: Record<string, number>; histograms: Map<LatencyName, Buckets> }>;
}

const newTally = (): Tally => ({ counts: Object.create(null) as Record<string, number>, histograms: new Map(), options: new Map() });

const COUNT_FIELDS = new Set(['calls', 'turns', 'fallbacks', 'fallbackTurns', 'holds', 'apologies', 'exhausted', 'e']);
const LATENCIES = new Set<string>(LATENCY_NAMES);

/** Adds one window's fields to a mode's tally; fields it does not know, and negative counts, are skipped. */
function addWindow(tally: Tally, fields: CounterFields): void {
  for (const [field, value] of Object.entries(fields)) {
    if (!(value > 0)) continue;
    let target: { counts: Record<string, number>; histograms: Map<LatencyName, Buckets> } = tally;
    let rest = field;
    if (field.startsWith('o:')) {
      const match = /^o:(stt|llm|tts):([^:]{1,600}):(.+)$/.exec(field);
      if (!match) continue;
      const id = `${match[1]}:${match[2]}`;
      let option = tally.options.get(id);
      if (!option) {
        if (tally.options.size >= MAX_OPTIONS) continue;
        tally.options.set(id, (option = { counts: Object.create(null) as Record<string, number>, histograms: new Map() }));
      }
      target = option;
      rest = match[3]!;
    }
    const parts = rest.split(':');
    if (parts[0] === 'h' && parts.length === 3 && LATENCIES.has(parts[1]!) && /^\d{1,4}$/.test(parts[2]!) && isBucket(Number(parts[2]))) {
      const name = parts[1] as LatencyName;
      const buckets = target.histograms.get(name) ?? new Map<number, number>();
      target.histograms.set(name, mergeBuckets(buckets, new Map([[Number(parts[2]), value]])));
    } else if (
      COUNT_FIELDS.has(parts[0]!) &&
      (parts.length === 1 || (parts[0] === 'e' && parts.length === 2 && /^[a-z_]{1,32}$/.test(parts[1]!)))
    ) {
      target.counts[rest] = (target.counts[rest] ?? 0) + value;
    }
  }
}

function splitOption(id: string): [Modality, string] {
  const [modality, encoded] = id.split(':') as [Modality, string];
  try {
    return [modality, decodeURIComponent(encoded)];
  } catch {
    return [modality, encoded];
  }
}

function errorsOf(counts: Record<string, number>): Pick<Counts, 'errors' | 'errorsByCategory'> {
  const errorsByCategory: Partial<Record<ErrorCategory, number>> = {};
  let errors = 0;
  for (const [field, value] of Object.entries(counts)) {
    if (!field.startsWith('e:')) continue;
    errorsByCategory[field.slice(2) as ErrorCategory] = value;
    errors += value;
  }
  return { errors, errorsByCategory };
}

function latencyOf(histograms: Map<LatencyName, Buckets>): Partial<Record<LatencyName, FleetLatency>> {
  const latency: Partial<Record<LatencyName, FleetLatency>> = {};
  for (const name of LATENCY_NAMES) {
    const buckets = histograms.get(name);
    if (!buckets || countOf(buckets) === 0) continue;
    latency[name] = { p50: bucketPercentile(buckets, 0.5), p95: bucketPercentile(buckets, 0.95), count: countOf(buckets) };
  }
  return latency;
}

function modeFigures(tally: Tally): ModeFigures {
  const count = (name: string) => tally.counts[name] ?? 0;
  const turns = count('turns');
  const errors = errorsOf(tally.counts);
  const rate = (value: number) => (turns > 0 ? Math.round((value / turns) * 10_000) / 10_000 : 0);
  return {
    calls: count('calls'),
    turns,
    fallbacks: count('fallbacks'),
    fallbackTurns: count('fallbackTurns'),
    holds: count('holds'),
    apologies: count('apologies'),
    exhausted: count('exhausted'),
    ...errors,
    rates: { fallback: rate(count('fallbackTurns')), apology: rate(count('apologies')), error: rate(errors.errors) },
    latency: latencyOf(tally.histograms),
  };
}

/** Each mode against the one with the most turns. */
function verdicts(modes: Map<string, Tally>, minTurns: number): ModeVerdict[] {
  const ranked = [...modes].sort(([a, x], [b, y]) => (y.counts.turns ?? 0) - (x.counts.turns ?? 0) || a.localeCompare(b));
  if (ranked.length < 2) return [];
  const [baselineName, baseline] = ranked[0]!;
  return ranked.slice(1).map(([candidateName, candidate]) => compare(baselineName, baseline, candidateName, candidate, minTurns));
}

function compare(baselineName: string, baseline: Tally, candidateName: string, candidate: Tally, minTurns: number): ModeVerdict {
  const n1 = baseline.counts.turns ?? 0;
  const n2 = candidate.counts.turns ?? 0;
  const verdict: ModeVerdict = { baseline: baselineName, candidate: candidateName, status: 'ready', summary: '', differences: [] };
  if (n1 < minTurns || n2 < minTurns) {
    verdict.status = 'not-enough-turns';
    const short = [n1 < minTurns && `${baselineName} has ${n1}`, n2 < minTurns && `${candidateName} has ${n2}`].filter(Boolean);
    verdict.summary = `not enough turns yet to compare ${candidateName} with ${baselineName}: ${short.join(', ')} of the ${minTurns} needed`;
    return verdict;
  }
  for (const name of LATENCY_NAMES) {
    const a = baseline.histograms.get(name);
    const b = candidate.histograms.get(name);
    if (!a || !b || countOf(a) < minTurns || countOf(b) < minTurns) continue;
    const interval = medianDifference(a, b)!;
    verdict.differences.push(difference(`${name}.p50`, bucketPercentile(a, 0.5), bucketPercentile(b, 0.5), interval, 0.1));
  }
  const count = (tally: Tally, name: string) => tally.counts[name] ?? 0;
  const errors1 = errorsOf(baseline.counts).errors;
  const errors2 = errorsOf(candidate.counts).errors;
  for (const [figure, x1, x2, interval] of [
    ['fallbackRate', count(baseline, 'fallbackTurns'), count(candidate, 'fallbackTurns'), proportionDifference] as const,
    ['apologyRate', count(baseline, 'apologies'), count(candidate, 'apologies'), proportionDifference] as const,
    ['errorRate', errors1, errors2, rateDifference] as const,
  ]) {
    verdict.differences.push(difference(figure, x1 / n1, x2 / n2, interval(x1, n1, x2, n2), 0.0001));
  }
  const latency =
    verdict.differences.find((item) => item.figure === 'endToEndMs.p50') ??
    verdict.differences.find((item) => item.figure === 'llmTtftMs.p50');
  if (latency?.finding === 'higher') verdict.slower = candidateName;
  if (latency?.finding === 'lower') verdict.slower = baselineName;
  verdict.summary = summaryOf(verdict, latency);
  return verdict;
}

function difference(figure: string, baseline: number, candidate: number, interval: Interval, step: number): FigureDifference {
  const round = (value: number) => Math.round(value / step) * step;
  const finding = interval.low > 0 ? 'higher' : interval.high < 0 ? 'lower' : 'unclear';
  return {
    figure,
    baseline: round(baseline),
    candidate: round(candidate),
    difference: round(interval.difference),
    low: round(interval.low),
    high: round(interval.high),
    finding,
  };
}

const LABELS: Record<string, string> = {
  'sttDurationMs.p50': 'STT p50',
  'endOfUtteranceDelayMs.p50': 'end-of-utterance p50',
  'llmTtftMs.p50': 'LLM TTFT p50',
  'ttsTtfbMs.p50': 'TTS first audio p50',
  'endToEndMs.p50': 'end-to-end p50',
  fallbackRate: 'fallback rate',
  apologyRate: 'apology rate',
  errorRate: 'errors per turn',
};

/** "realtime is slower than pipeline: end-to-end p50 +52 ms (95 % interval +41 … +63); apology rate −2.0 points (…)". */
export function describeDifference(item: FigureDifference): string {
  const ms = item.figure.endsWith('.p50');
  const sign = (value: number) => (value > 0 ? '+' : value < 0 ? '−' : '±');
  const show = (value: number) =>
    ms ? `${sign(value)}${Math.abs(Math.round(value))} ms` : `${sign(value)}${Math.abs(Math.round(value * 1000) / 10)} points`;
  return `${LABELS[item.figure] ?? item.figure} ${show(item.difference)} (95 % interval ${show(item.low)} … ${show(item.high)})`;
}

function summaryOf(verdict: ModeVerdict, latency: FigureDifference | undefined): string {
  const { baseline, candidate } = verdict;
  const clear = verdict.differences.filter((item) => item.finding !== 'unclear' && item !== latency);
  const head = !latency
    ? `${candidate} vs ${baseline}: no latency to compare`
    : verdict.slower
      ? `${verdict.slower} is slower than ${verdict.slower === candidate ? baseline : candidate}: ${candidate} ${describeDifference(latency)}`
      : `${candidate} vs ${baseline}: no clear latency difference, ${describeDifference(latency)}`;
  return clear.length > 0 ? `${head}; ${clear.map(describeDifference).join('; ')}` : head;
}

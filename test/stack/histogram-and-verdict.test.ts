import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianDifference, proportionDifference, rateDifference, wilson } from '../../src/stack/compare-modes.js';
import { FLEET_METRICS_PREFIX } from '../../src/stack/fleet-metrics-layout.js';
import { summarise } from '../../src/stack/fleet-metrics-report.js';
import {
  bucketOf,
  bucketPercentile,
  type Buckets,
  bucketValue,
  lowerEdge,
  MAX_TRACKED_MS,
  mergeBuckets,
  RELATIVE_ERROR,
  upperEdge,
} from '../../src/stack/latency-histogram.js';
import { percentile } from '../../src/stack/percentile.js';

const histogram = (values: readonly number[]): Buckets => {
  const buckets: Buckets = new Map();
  for (const value of values) {
    const k = bucketOf(value)!;
    buckets.set(k, (buckets.get(k) ?? 0) + 1);
  }
  return buckets;
};
/** The stated bound: 4.9 % of the value, 0.5 ms below 1 ms, plus the 0.05 ms of rounding to a tenth. */
const bound = (exact: number) => (exact < 1 ? 0.5 : exact * RELATIVE_ERROR) + 0.05 + 1e-9;
const latency = fc.double({ min: 0, max: MAX_TRACKED_MS - 1, noNaN: true });

describe('latency buckets', () => {
  it('every value falls in its bucket, and reads back within 4.9 % (0.5 ms below 1 ms)', () => {
    expect(RELATIVE_ERROR).toBeCloseTo(0.0488, 4);
    fc.assert(
      fc.property(latency, (value) => {
        const k = bucketOf(value)!;
        expect(value).toBeGreaterThanOrEqual(lowerEdge(k));
        expect(value).toBeLessThan(upperEdge(k));
        expect(Math.abs(bucketValue(k) - value)).toBeLessThanOrEqual(value < 1 ? 0.5 : value * RELATIVE_ERROR + 1e-9);
      }),
      { numRuns: 2_000 },
    );
  });

  it('has no bucket for a negative, NaN or infinite value; the overflow holds 10 minutes and more', () => {
    for (const value of [-1, Number.NaN, Infinity, -Infinity]) expect(bucketOf(value)).toBeUndefined();
    expect(bucketOf(MAX_TRACKED_MS)).toBe(bucketOf(10 * MAX_TRACKED_MS));
  });

  it('percentiles of merged histograms are within the bound of the exact percentile of all values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(latency, { minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (parts, q) => {
          // Each process's histogram, merged as the store adds their counts.
          const merged = parts.map(histogram).reduce((into, from) => mergeBuckets(into, from), new Map());
          const exact = percentile(parts.flat(), q);
          expect(Math.abs(bucketPercentile(merged, q) - exact)).toBeLessThanOrEqual(bound(exact));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the verdict’s intervals', () => {
  it('Wilson and Newcombe give the published figures (Newcombe 1998, example 56/70 vs 48/80)', () => {
    const [low, high] = wilson(81, 263);
    expect(low).toBeCloseTo(0.2553, 3);
    expect(high).toBeCloseTo(0.3662, 3);
    // Newcombe's table II, method 10: 56/70 − 48/80 = 0.2000, interval 0.0524 to 0.3339.
    const difference = proportionDifference(48, 80, 56, 70);
    expect(difference.difference).toBeCloseTo(0.2, 4);
    expect(difference.low).toBeCloseTo(0.0524, 3);
    expect(difference.high).toBeCloseTo(0.3339, 3);
  });

  it('the proportion interval covers the true difference about 95 % of the time (2 % vs 0 %, 200 turns each)', () => {
    let covered = 0;
    const runs = 2_000;
    const random = seeded(7);
    for (let run = 0; run < runs; run++) {
      const x1 = Array.from({ length: 200 }, () => random() < 0.02).filter(Boolean).length;
      const x2 = Array.from({ length: 200 }, () => random() < 0.04).filter(Boolean).length;
      const { low, high } = proportionDifference(x1, 200, x2, 200);
      if (low <= 0.02 && 0.02 <= high) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
  });

  it('the median interval covers the true difference at least 95 % of the time, and excludes 0 for a 50 ms shift', () => {
    const random = seeded(11);
    const sample = (centre: number, n: number) => Array.from({ length: n }, () => centre * Math.exp(0.25 * gaussian(random)));
    let covered = 0;
    const runs = 300;
    for (let run = 0; run < runs; run++) {
      const { low, high } = medianDifference(histogram(sample(100, 100)), histogram(sample(150, 100)))!;
      if (low <= 50 && 50 <= high) covered++;
    }
    expect(covered / runs).toBeGreaterThanOrEqual(0.95);
    const shifted = medianDifference(histogram(sample(100, 200)), histogram(sample(150, 200)))!;
    expect(shifted.low).toBeGreaterThan(0);
  });

  it('the rate interval has a width with no error yet', () => {
    const { low, high } = rateDifference(0, 100, 0, 100);
    expect(low).toBeLessThan(0);
    expect(high).toBeGreaterThan(0);
  });
});

describe('summarising what a store holds', () => {
  const meta = { store: 'memory', from: 0, to: 1, windowMs: 60_000, minTurns: 30 };
  const key = (mode: string, start = 0) => `${FLEET_METRICS_PREFIX}m:${start}:${encodeURIComponent(mode)}`;

  it('merges windows per mode, names the slower mode and says "not enough turns yet" below the minimum', () => {
    const fields = (ms: number, turns: number, apologies = 0) => ({ turns, apologies, calls: 1, [`h:llmTtftMs:${bucketOf(ms)}`]: turns });
    const report = summarise(
      [
        [key('fast', 0), fields(100, 50, 1)],
        [key('fast', 60_000), fields(100, 50, 1)],
        [key('slow', 0), fields(150, 40)],
      ],
      meta,
    );
    expect(report.modes.fast).toMatchObject({ calls: 2, turns: 100, apologies: 2, rates: { apology: 0.02 } });
    expect(report.modes.fast!.latency.llmTtftMs!.count).toBe(100);
    expect(report.verdicts).toHaveLength(1);
    expect(report.verdicts[0]).toMatchObject({ baseline: 'fast', candidate: 'slow', status: 'ready', slower: 'slow' });
    expect(report.verdicts[0]!.summary).toMatch(
      /^slow is slower than fast: slow LLM TTFT p50 \+\d+ ms \(95 % interval \+\d+ ms … \+\d+ ms\)/,
    );

    const early = summarise(
      [
        [key('fast'), fields(100, 50)],
        [key('slow'), fields(150, 4)],
      ],
      meta,
    );
    expect(early.verdicts[0]).toMatchObject({ status: 'not-enough-turns', differences: [] });
    expect(early.verdicts[0]!.summary).toBe('not enough turns yet to compare slow with fast: slow has 4 of the 30 needed');
  });

  it('never throws on whatever keys and fields a store holds, and stays bounded', () => {
    const field = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'turns',
        'calls',
        'e:auth',
        'h:llmTtftMs:40',
        'h:llmTtftMs:99999',
        'o:llm:a%2Fb:turns',
        'o:llm:%E0%A4%A:turns',
        'o:x:y:z',
      ),
    );
    const windowKey = fc.oneof(
      fc.string(),
      fc.string().map((mode) => key(mode)),
      fc.constantFrom(key('%E0%A4%A'), `${FLEET_METRICS_PREFIX}m:1:`),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(windowKey, fc.dictionary(field, fc.oneof(fc.integer(), fc.double()))), { maxLength: 80 }),
        (windows) => {
          const report = summarise(windows, meta);
          expect(Object.keys(report.modes).length).toBeLessThanOrEqual(50);
          JSON.stringify(report);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A small seeded generator (mulberry32), so that the coverage runs are the same on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

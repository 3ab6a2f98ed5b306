import { bucketAtRank, type Buckets, bucketPercentile, countOf, lowerEdge, upperEdge } from './latency-histogram.js';

/** The normal quantile of a two-sided 95 % interval. */
const Z = 1.959964;

/** An interval of `candidate − baseline`, and its point estimate. */
export interface Interval {
  difference: number;
  low: number;
  high: number;
}

/**
 * Wilson's score interval of a proportion `x / n` (good near 0 and 1, unlike the normal approximation): the building
 * block of {@link proportionDifference}.
 */
export function wilson(x: number, n: number): [low: number, high: number] {
  if (n <= 0) return [0, 1];
  const p = x / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * 95 % interval of the difference of two proportions `x2/n2 − x1/n1` (candidate − baseline): Newcombe's hybrid score
 * method (1998, method 10), built from each proportion's Wilson interval. Sound for small rates such as 2 % apologies.
 */
export function proportionDifference(x1: number, n1: number, x2: number, n2: number): Interval {
  const p1 = n1 > 0 ? x1 / n1 : 0;
  const p2 = n2 > 0 ? x2 / n2 : 0;
  const [l1, u1] = wilson(x1, n1);
  const [l2, u2] = wilson(x2, n2);
  const difference = p2 - p1;
  return {
    difference,
    low: difference - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
    high: difference + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2),
  };
}

/**
 * 95 % interval of the difference of two event rates per turn `e2/n2 − e1/n1` (errors can exceed one per turn, so they
 * are counts, not proportions): the normal approximation of two Poisson counts, each count taken as `e + 0.5` in the
 * variance so that a mode with no error yet still has a width.
 */
export function rateDifference(e1: number, n1: number, e2: number, n2: number): Interval {
  const difference = e2 / n2 - e1 / n1;
  const half = Z * Math.sqrt((e1 + 0.5) / (n1 * n1) + (e2 + 0.5) / (n2 * n2));
  return { difference, low: difference - half, high: difference + half };
}

/**
 * 95 % interval of the difference of two medians read from merged histograms (candidate − baseline), after Bonett and
 * Price (2002): each median's standard error is estimated from its distribution-free order-statistic interval (ranks
 * n/2 ∓ 0.98·√n), whose ends are read as the outer edges of their buckets so that the bucket resolution widens the
 * interval; the two errors add in quadrature. `undefined` for an empty histogram.
 */
export function medianDifference(baseline: Buckets, candidate: Buckets): Interval | undefined {
  const a = medianWithError(baseline);
  const b = medianWithError(candidate);
  if (!a || !b) return undefined;
  const difference = b.median - a.median;
  const half = Z * Math.sqrt(a.standardError ** 2 + b.standardError ** 2);
  return { difference, low: difference - half, high: difference + half };
}

function medianWithError(buckets: Buckets): { median: number; standardError: number } | undefined {
  const n = countOf(buckets);
  if (n === 0) return undefined;
  const spread = (Z / 2) * Math.sqrt(n);
  const lowRank = Math.max(1, Math.floor(n / 2 - spread));
  const highRank = Math.min(n, Math.ceil(n / 2 + 1 + spread));
  const low = lowerEdge(bucketAtRank(buckets, lowRank)!);
  const high = upperEdge(bucketAtRank(buckets, highRank)!);
  return { median: bucketPercentile(buckets, 0.5), standardError: (high - low) / (2 * Z) };
}

/**
 * Fixed log-spaced latency buckets, the same in every process, so that histograms written by many processes merge by
 * adding counts and percentiles come from the merged counts.
 *
 * Bucket 0 holds [0, 1) ms; bucket k ≥ 1 holds [g^(k-1), g^k) ms with g = {@link BUCKET_GROWTH}; the last bucket
 * ({@link OVERFLOW_BUCKET}) holds everything from {@link MAX_TRACKED_MS} up. A bucket is read as its geometric middle
 * (0.5 ms for bucket 0), so a percentile read from buckets is within {@link RELATIVE_ERROR} (4.9 %) of the exact
 * nearest-rank percentile of the recorded values, or within 0.5 ms below 1 ms (docs/operations.md, "Comparing two modes").
 */

/** Growth factor between bucket edges. */
export const BUCKET_GROWTH = 1.1;
/** The largest relative error of a value read from its bucket: √1.1 − 1. */
export const RELATIVE_ERROR = Math.sqrt(BUCKET_GROWTH) - 1;
/** Values from here up (10 minutes) share the overflow bucket, read as this value. */
export const MAX_TRACKED_MS = 600_000;
const LOG_GROWTH = Math.log(BUCKET_GROWTH);
/** The overflow bucket's index: one past the bucket that holds values just below {@link MAX_TRACKED_MS}. */
export const OVERFLOW_BUCKET = Math.ceil(Math.log(MAX_TRACKED_MS) / LOG_GROWTH) + 1;

/** Sparse bucket counts: bucket index → count. */
export type Buckets = Map<number, number>;

/** The bucket of a latency in ms (negative and non-finite values have none: `undefined`). */
export function bucketOf(ms: number): number | undefined {
  if (!(ms >= 0) || ms === Infinity) return undefined;
  if (ms < 1) return 0;
  if (ms >= MAX_TRACKED_MS) return OVERFLOW_BUCKET;
  // Float rounding can put a value that sits on an edge one bucket off: compare with the edges themselves.
  let k = Math.floor(Math.log(ms) / LOG_GROWTH) + 1;
  if (ms < lowerEdge(k)) k--;
  else if (ms >= lowerEdge(k + 1)) k++;
  return Math.min(k, OVERFLOW_BUCKET);
}

/** The lowest value of bucket `k`, in ms. */
export function lowerEdge(k: number): number {
  if (k <= 0) return 0;
  if (k >= OVERFLOW_BUCKET) return MAX_TRACKED_MS;
  return BUCKET_GROWTH ** (k - 1);
}

/** The upper edge of bucket `k` (exclusive), in ms. */
export function upperEdge(k: number): number {
  if (k >= OVERFLOW_BUCKET) return MAX_TRACKED_MS;
  return k <= 0 ? 1 : Math.min(MAX_TRACKED_MS, BUCKET_GROWTH ** k);
}

/** The value a bucket reads as: its geometric middle (0.5 ms for bucket 0, {@link MAX_TRACKED_MS} for the overflow). */
export function bucketValue(k: number): number {
  if (k <= 0) return 0.5;
  if (k >= OVERFLOW_BUCKET) return MAX_TRACKED_MS;
  return Math.sqrt(lowerEdge(k) * upperEdge(k));
}

/** True for an index a histogram may hold (a store's field may name anything). */
export function isBucket(k: number): boolean {
  return Number.isInteger(k) && k >= 0 && k <= OVERFLOW_BUCKET;
}

/** Adds every count of `from` to `into`. */
export function mergeBuckets(into: Buckets, from: Buckets): Buckets {
  for (const [k, count] of from) into.set(k, (into.get(k) ?? 0) + count);
  return into;
}

/** The number of values in `buckets`. */
export function countOf(buckets: Buckets): number {
  let total = 0;
  for (const count of buckets.values()) total += count;
  return total;
}

/**
 * The bucket holding the `rank`-th smallest value (1-based), or `undefined` for an empty histogram. Ranks past the
 * count read the last bucket.
 */
export function bucketAtRank(buckets: Buckets, rank: number): number | undefined {
  const sorted = [...buckets].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  let seen = 0;
  for (const [k, count] of sorted) {
    seen += count;
    if (seen >= rank) return k;
  }
  return sorted.at(-1)?.[0];
}

/**
 * The nearest-rank percentile (`q` from 0 to 1) read from bucket counts, in ms: the same rank as `percentile()` of
 * stack.metrics() takes, read as its bucket's middle. `NaN` when empty.
 */
export function bucketPercentile(buckets: Buckets, q: number): number {
  const n = countOf(buckets);
  if (n === 0) return Number.NaN;
  const k = bucketAtRank(buckets, Math.min(n, Math.max(1, Math.ceil(q * n))));
  return round(bucketValue(k!));
}

const round = (value: number) => Math.round(value * 10) / 10;

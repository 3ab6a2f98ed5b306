/**
 * The nearest-rank percentile (`q` from 0 to 1) of an unsorted sample: the smallest value with at least `q` of the
 * sample at or below it, always one of the values. `NaN` for an empty sample. `stack.metrics()` and the benchmark
 * both use it, so their p50/p95/p99 mean the same thing.
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

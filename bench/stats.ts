import { percentile } from '../src/stack/percentile.js';

/** Summary of a sample of durations, in ms. */
export interface Summary {
  n: number;
  median: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  return {
    n,
    median: round(percentile(values, 0.5)),
    p99: round(percentile(values, 0.99)),
    mean: round(n ? values.reduce((sum, value) => sum + value, 0) / n : Number.NaN),
    min: round(n ? Math.min(...values) : Number.NaN),
    max: round(n ? Math.max(...values) : Number.NaN),
  };
}

/** `value / base`, rounded to 3 decimals. */
export function ratio(value: number, base: number): number {
  return Math.round((value / base) * 1000) / 1000;
}

/** Rounds a figure to 3 decimals (µs resolution for ms figures). */
export function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Shuffles in place (Fisher–Yates): each round visits the contenders in a new order. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

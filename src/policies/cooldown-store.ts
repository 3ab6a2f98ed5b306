import type { ErrorCategory } from '../errors/index.js';

/** What the chain remembers about an option that failed. */
export interface CooldownEntry {
  /** Until when (epoch ms) the option is cooling (rate limit, quota: skipped) or demoted (other failures: tried last). */
  until: number;
  /** Why it failed last. `rate_limit` and `quota` make the chain skip the option until `until`. */
  category: ErrorCategory;
  /** The HTTP status of the failure, if any. */
  statusCode?: number | undefined;
  /** When it failed (epoch ms). */
  at: number;
}

/** Whether a failure of this category cools its option down (skipped until `Retry-After`) rather than demotes it. */
export function isCooldownCategory(category: ErrorCategory): boolean {
  return category === 'rate_limit' || category === 'quota';
}

/** Whether an entry makes the chain skip its option (rather than try it last). */
export function isHardCooldown(entry: CooldownEntry | undefined, now = Date.now()): entry is CooldownEntry {
  return entry !== undefined && entry.until > now && isCooldownCategory(entry.category);
}

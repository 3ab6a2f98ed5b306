import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { FIX } from './schema-helpers.js';

/** Node's timers hold a signed 32-bit number of ms: a longer delay overflows and fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The range of one duration option, in ms. */
export interface DurationBounds {
  /** @default 0 */
  min?: number;
  /** @default MAX_TIMER_MS (about 24.8 days) */
  max?: number;
}

/**
 * The one rule for every duration (config, CLI `--timeout`, the resolver's options, `health()`): a whole number of
 * milliseconds within `[min, max]`. Returns what is wrong ("expected …, got …. Fix: …"), or `undefined`.
 */
export function durationProblem(value: unknown, what: string, { min = 0, max = MAX_TIMER_MS }: DurationBounds = {}): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `expected ${what} as a whole number of milliseconds, got ${typeof value === 'number' ? value : typeof value}${FIX}use a number such as ${Math.max(min, 1000)}.`;
  }
  if (!Number.isInteger(value)) return `expected ${what} as a whole number of milliseconds, got ${value}${FIX}use ${Math.round(value)}.`;
  if (value < min) return `expected ${what} of at least ${min} ms, got ${value}${FIX}use ${min} or more.`;
  if (value > max) return `expected ${what} of at most ${max} ms, got ${value}${FIX}use ${max} or less (Node's timers overflow past it).`;
  return undefined;
}

/** `value` when it is a valid duration; otherwise a {@link ConfigError} naming `where` and `path`. */
export function assertDuration(value: unknown, where: string, path: string, bounds?: DurationBounds): number {
  const problem = durationProblem(value, `\`${path}\``, bounds);
  if (problem) throw new ConfigError([{ path, message: problem }], where);
  return value as number;
}

/** The zod schema of a duration option: the same rule as {@link durationProblem}. */
export function durationSchema(what: string, { min = 0, max = MAX_TIMER_MS }: DurationBounds = {}) {
  const whole = `expected ${what} as a whole number of milliseconds`;
  return z
    .number({ error: `${whole}${FIX}use a number such as ${Math.max(min, 1000)}.` })
    .int({ error: `${whole}${FIX}round it to whole milliseconds.` })
    .min(min, { error: `expected ${what} of at least ${min} ms${FIX}use ${min} or more.` })
    .max(max, { error: `expected ${what} of at most ${max} ms${FIX}use ${max} or less (Node's timers overflow past it).` });
}

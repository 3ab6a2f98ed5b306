import { z } from 'zod';
import { durationSchema } from './durations.js';
import { FIX } from './schema-helpers.js';

/** How the chain waits between passes when every option failed. Defaults in {@link DEFAULT_RETRY_OPTIONS}. */
export interface RetryOptions {
  /** Total time one failure episode may last before the apology is spoken, in ms. @default 60000 */
  windowMs?: number;
  /** First wait between two passes over the chain, in ms. @default 500 */
  initialDelayMs?: number;
  /** Longest wait between two passes, in ms. @default 8000 */
  maxDelayMs?: number;
  /** Growth of the wait from one pass to the next. @default 2 */
  factor?: number;
  /** Randomise each wait (equal jitter: between half and the whole of the backoff step) so that many sessions do not retry in step. @default true */
  jitter?: boolean;
  /**
   * Hedged first token: when the current option has produced no first token after this delay, start the next
   * option in parallel, keep whichever answers first and cancel the other. @default undefined (off)
   */
  hedgeAfterMs?: number;
  /**
   * A reply whose stream goes silent this long after its first token is a stall: the turn ends (the user already
   * heard part of it, so it is not retried silently) and the next turn starts on another option. @default 5000
   */
  stallTimeoutMs?: number;
  /**
   * The longest a rate limit cools an option, in ms, whatever its `Retry-After` says (a bogus or hostile header must
   * not silence a model for days, fleet-wide). @default 600000 (10 minutes)
   */
  maxCooldownMs?: number;
}

/** What the agent says while the stack retries and when it gives up. `false` turns the spoken policy off. */
export interface VerbalOptions {
  /** Said once per failure episode while the stack waits. A list rotates. @default ["One moment, please."] */
  holding?: string | string[];
  /** Said once instead of the reply when the retry window is spent. @default "Sorry, I can't answer right now. Please try again in a moment." */
  apology?: string;
  /** Said once when every STT option is down. @default "Sorry, I can't hear you right now. Please bear with me." */
  notHearing?: string;
  /** Say the holding phrase when no first token came after this delay, in ms. @default 1200 */
  holdingAfterMs?: number;
  /** Never say the same holding phrase twice within this interval, in ms. @default 10000 */
  minIntervalMs?: number;
}

/** The retry defaults (docs/configuration.md). Spread them to build your own. */
export const DEFAULT_RETRY_OPTIONS = {
  windowMs: 60_000,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  factor: 2,
  jitter: true,
  stallTimeoutMs: 5_000,
  maxCooldownMs: 600_000,
} as const satisfies RetryOptions;

/** The English phrases and timings of the spoken policy. */
export const DEFAULT_VERBAL_OPTIONS = {
  holding: ['One moment, please.', 'Just a second.', 'Bear with me a moment.'],
  apology: "Sorry, I can't answer right now. Please try again in a moment.",
  notHearing: "Sorry, I can't hear you right now. Please bear with me.",
  holdingAfterMs: 1_200,
  minIntervalMs: 10_000,
} as const;

export type ResolvedRetryOptions = Required<Omit<RetryOptions, 'hedgeAfterMs'>> & { hedgeAfterMs: number | undefined };
export interface ResolvedVerbalOptions {
  holding: string[];
  apology: string;
  notHearing: string;
  holdingAfterMs: number;
  minIntervalMs: number;
}

const phrase = z.string({ error: `expected a phrase${FIX}use a short sentence, e.g. "One moment, please."` }).min(1, {
  error: `expected a phrase, got an empty string${FIX}use a short sentence, or \`verbal: false\` to turn the spoken policy off.`,
});

export const retrySchema = z
  .strictObject({
    windowMs: durationSchema('`windowMs`').default(DEFAULT_RETRY_OPTIONS.windowMs),
    initialDelayMs: durationSchema('`initialDelayMs`', { min: 1 }).default(DEFAULT_RETRY_OPTIONS.initialDelayMs),
    maxDelayMs: durationSchema('`maxDelayMs`', { min: 1 }).default(DEFAULT_RETRY_OPTIONS.maxDelayMs),
    factor: z
      .number({ error: `expected a number${FIX}use a factor >= 1 such as 2.` })
      .min(1, { error: `expected a factor >= 1${FIX}use e.g. 2 (each wait doubles).` })
      .default(DEFAULT_RETRY_OPTIONS.factor),
    jitter: z.boolean({ error: `expected true or false${FIX}use \`jitter: true\`.` }).default(DEFAULT_RETRY_OPTIONS.jitter),
    hedgeAfterMs: durationSchema('`hedgeAfterMs`', { min: 1 }).optional(),
    stallTimeoutMs: durationSchema('`stallTimeoutMs`', { min: 10 }).default(DEFAULT_RETRY_OPTIONS.stallTimeoutMs),
    maxCooldownMs: durationSchema('`maxCooldownMs`', { min: 1 }).default(DEFAULT_RETRY_OPTIONS.maxCooldownMs),
  })
  .refine((retry) => retry.maxDelayMs >= retry.initialDelayMs, {
    error: `expected \`maxDelayMs\` >= \`initialDelayMs\`${FIX}raise \`maxDelayMs\` or lower \`initialDelayMs\`.`,
  })
  .transform((retry): ResolvedRetryOptions => ({ ...retry, hedgeAfterMs: retry.hedgeAfterMs }));

export const verbalSchema = z.union(
  [
    z.literal(false),
    z
      .strictObject({
        holding: z
          .union([phrase, z.array(phrase).min(1, { error: `expected at least one phrase${FIX}add one, or use \`verbal: false\`.` })])
          .default([...DEFAULT_VERBAL_OPTIONS.holding])
          .transform((holding) => (Array.isArray(holding) ? holding : [holding])),
        apology: phrase.default(DEFAULT_VERBAL_OPTIONS.apology),
        notHearing: phrase.default(DEFAULT_VERBAL_OPTIONS.notHearing),
        holdingAfterMs: durationSchema('`holdingAfterMs`').default(DEFAULT_VERBAL_OPTIONS.holdingAfterMs),
        minIntervalMs: durationSchema('`minIntervalMs`').default(DEFAULT_VERBAL_OPTIONS.minIntervalMs),
      })
      .transform((verbal): ResolvedVerbalOptions => verbal),
  ],
  { error: `expected an object of phrases or \`false\`${FIX}e.g. \`verbal: { holding: "One moment." }\` or \`verbal: false\`.` },
);

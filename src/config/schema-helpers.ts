import { z } from 'zod';

/**
 * Messages in schemas are written as "expected X. Fix: Y." The formatter inserts what was received
 * (unless the field holds a secret) between the two halves.
 */
export const FIX = '. Fix: ';

/** An http(s) or ws(s) URL. `new URL('localhost:8080')` parses, so the scheme is checked explicitly. */
export function urlSchema(example = 'http://localhost:8080/v1') {
  return z.string({ error: `expected a URL${FIX}include the scheme, e.g. "${example}".` }).refine(
    (value) => {
      try {
        return /^(https?|wss?):$/.test(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `expected a URL${FIX}include the scheme, e.g. "${example}".` },
  );
}

export const nonEmptyString = (what: string, example: string) =>
  z.string({ error: `expected ${what}${FIX}set it to a string such as "${example}".` }).min(1, {
    error: `expected ${what}, got an empty string${FIX}set it to a string such as "${example}".`,
  });

export const secretString = (field: string, envVariable?: string) =>
  z
    .string({ error: `expected a string${FIX}pass the ${field} as a string${envVariable ? ` or set ${envVariable}` : ''}.` })
    .min(1, { error: `expected a non-empty ${field}${FIX}remove it to use ${envVariable ?? 'the default'}, or set a value.` });

export const positiveMs = (what: string) =>
  z
    .number({ error: `expected ${what} as a number of milliseconds${FIX}use a number such as 1000.` })
    .nonnegative({ error: `expected ${what} as a number of milliseconds >= 0${FIX}use a number such as 1000.` });

export const headersSchema = z.record(z.string(), z.string(), {
  error: `expected an object of header names to string values${FIX}e.g. { "X-Team": "voice" }.`,
});

/** Stack-level fields every provider entry may carry, whatever its adapter. */
export const entryBaseSchema = {
  /**
   * Marks the option as the last-resort tier (e.g. a local llama.cpp): tried when the remote options of a pass failed.
   */
  lastResort: z.boolean({ error: `expected true or false${FIX}use \`lastResort: true\` to mark a local last resort.` }).optional(),
};

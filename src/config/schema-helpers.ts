import { z } from 'zod';

/**
 * Messages in schemas are written as "expected X. Fix: Y." The formatter inserts what was received
 * (unless the field holds a secret) between the two halves.
 */
export const FIX = '. Fix: ';

/**
 * A model id: the ids a provider is known to serve, plus any other string. Editors suggest the known ones; a new
 * model works the day it ships, with no release of this package.
 */
export type ModelId<Known extends string> = Known | (string & {});

/** The schema of a model id: any non-empty string, typed as `Id` (a {@link ModelId}, or LiveKit's own model types). */
export const modelIdSchema = <Id extends string>(what: string, example: string) =>
  nonEmptyString(what, example) as unknown as z.ZodType<Id, Id>;

/**
 * An http(s) or ws(s) URL, normalised to what `new URL()` makes of it (`" http:/host"` becomes `http://host`): the
 * value a client uses is the value the platform's `vetBaseURL` checked. `new URL('localhost:8080')` parses, so the
 * scheme is checked explicitly. A trailing `/` is added only where it was written, since clients append paths.
 */
export function urlSchema(example = 'http://localhost:8080/v1') {
  const error = `expected a URL${FIX}include the scheme, e.g. "${example}".`;
  return z
    .string({ error })
    .refine((value) => URL.canParse(value) && /^(https?|wss?):$/.test(new URL(value).protocol), { error })
    .transform(normaliseURL);
}

/** `new URL(value).href`, without the `/` it adds to a bare host (`http://host` stays `http://host`). */
export function normaliseURL(value: string): string {
  const url = new URL(value);
  const written = value.trim();
  return url.pathname === '/' && !url.search && !url.hash && !/[/\\]$/.test(written) ? url.href.slice(0, -1) : url.href;
}

export const nonEmptyString = (what: string, example: string) =>
  z.string({ error: `expected ${what}${FIX}set it to a string such as "${example}".` }).min(1, {
    error: `expected ${what}, got an empty string${FIX}set it to a string such as "${example}".`,
  });

export const secretString = (field: string, envVariable?: string) =>
  z
    .string({ error: `expected a string${FIX}pass the ${field} as a string${envVariable ? ` or set ${envVariable}` : ''}.` })
    .min(1, { error: `expected a non-empty ${field}${FIX}remove it to use ${envVariable ?? 'the default'}, or set a value.` });

export const headersSchema = z.record(z.string(), z.string(), {
  error: `expected an object of header names to string values${FIX}e.g. { "X-Team": "voice" }.`,
});

/**
 * The schema of a provider's options: a strict object over `Fields`. A provider's config type is derived from its
 * schema (`z.input<typeof schema>`), and the schema is annotated with this type over its fields object: the published
 * .d.ts then keeps each field's JSDoc (the inferred type of `z.strictObject({...})` would print the shape without them).
 * Fields shared from another module join as an intersection (`typeof own & typeof shared`): spread into the fields
 * object, they would lose their JSDoc in the .d.ts.
 */
export type OptionsSchema<Fields extends z.core.$ZodShape> = z.ZodObject<Fields, z.core.$strict>;

/** A BCP 47-like language code: `fr`, `pt-BR`, `cmn`. */
export const languageSchema = z
  .string({ error: `expected a language code${FIX}use a code such as "en", "fr" or "pt-BR".` })
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, { error: `expected a language code${FIX}use a code such as "en", "fr" or "pt-BR".` });

/** A language code, with an example of the entry's own in the fix. */
export const languageCode = (example: string) =>
  z.string({ error: `expected a language code${FIX}use a code such as "${example}".` }).regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, {
    error: `expected a language code${FIX}use a code such as "${example}" or "multi".`,
  });

/** Whether a language code is English (`en`, `en-US` …). */
export const isEnglish = (code: string) => /^en([-_]|$)/i.test(code);

/** One of the sample rates a provider supports, in Hz. */
export const sampleRateSchema = <const T extends readonly [number, ...number[]]>(rates: T, fallbackExample: number) =>
  z.literal(rates, {
    error: (issue) =>
      typeof issue.input === 'number'
        ? `expected a supported sample rate${FIX}use one of ${rates.join(', ')} (e.g. ${fallbackExample}).`
        : `expected a sample rate in Hz${FIX}use one of ${rates.join(', ')}.`,
  });

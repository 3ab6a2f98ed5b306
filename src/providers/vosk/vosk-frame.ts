import { z } from 'zod';

/**
 * A word of a result. `start`/`end` (seconds) come with word timings on (`config.words`); `conf` only in the plain
 * format (vosk-api's `MbrResult`), not in `alternatives`; a GMM model's alternatives have the word alone.
 */
const wordSchema = z.object({
  word: z.string(),
  start: z.number().optional(),
  end: z.number().optional(),
  conf: z.number().optional(),
});

const partialSchema = z.object({ partial: z.string() });
/** The plain result (`max_alternatives` 0): `text`, and `result` when word timings are on. */
const plainSchema = z.object({ text: z.string(), result: z.array(wordSchema).optional() });
/** The n-best result (`max_alternatives` > 0): the best first; `confidence` is a lattice likelihood, not 0–1. */
const alternativesSchema = z.object({
  alternatives: z.array(z.object({ text: z.string(), confidence: z.number().optional(), result: z.array(wordSchema).optional() })).min(1),
});

/** A word of a result, with its timings in seconds (0 when the server sent none). */
export type VoskWord = z.output<typeof wordSchema>;

/** What a vosk-server frame says, whichever format the server was set up for. */
export type VoskFrame =
  /** The utterance so far (an interim transcript). */
  | { kind: 'partial'; text: string }
  /** The end of an utterance (or of the stream): its words, the best alternative's with `alternatives`. */
  | { kind: 'result'; text: string; words: VoskWord[] };

/**
 * Reads one text frame of vosk-server (outside input: any string): a partial, a result in either format, or an
 * `Error` naming what arrived (never a throw). Unknown fields (`spk`, `partial_result` …) are ignored.
 */
export function parseVoskFrame(data: string): VoskFrame | Error {
  let value: unknown;
  try {
    value = nestedDeeperThan(data, MAX_DEPTH) ? undefined : JSON.parse(data);
  } catch {
    value = undefined;
  }
  const fields = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (fields && 'partial' in fields) {
    const partial = partialSchema.safeParse(fields);
    if (partial.success) return { kind: 'partial', text: partial.data.partial.trim() };
  } else if (fields && 'alternatives' in fields) {
    const result = alternativesSchema.safeParse(fields);
    if (result.success) {
      const [best] = result.data.alternatives;
      return { kind: 'result', text: best!.text.trim(), words: best!.result ?? [] };
    }
  } else if (fields) {
    const result = plainSchema.safeParse(fields);
    if (result.success) return { kind: 'result', text: result.data.text.trim(), words: result.data.result ?? [] };
  }
  return new Error(`it sent a frame that is not a vosk-server result: ${preview(data)}`);
}

/**
 * vosk-server's frames nest 4 deep (`alternatives[].result[].word`). JSON.parse takes seconds on a few hundred
 * thousand nested brackets, so deeper input is refused before it is parsed.
 */
const MAX_DEPTH = 16;

/** Whether `data` opens more than `limit` brackets at once (outside strings): one pass, no allocation. */
function nestedDeeperThan(data: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < data.length; i++) {
    const code = data.charCodeAt(i);
    if (inString) {
      if (code === 92)
        i++; // backslash: skip the escaped character
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 || code === 91) {
      if (++depth > limit) return true;
    } else if (code === 125 || code === 93) depth--;
  }
  return false;
}

/** The start of a frame, on one line, for an error message. */
function preview(data: string): string {
  const line = data.slice(0, 80).replace(/\s+/g, ' ').trim();
  return data.length > 80 ? `${line}…` : line;
}

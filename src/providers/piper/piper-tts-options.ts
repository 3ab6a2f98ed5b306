import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { durationSchema } from '../../config/durations.js';
import { FIX, languageSchema, nonEmptyString, type OptionsSchema, urlSchema } from '../../config/schema-helpers.js';

/** Which HTTP API the Piper server speaks: it changed twice. */
export const PIPER_APIS = ['synthesize', 'json', 'text'] as const;

const piperTTSFields = {
  /** The Piper HTTP server. @default "http://localhost:5000" */
  baseURL: urlSchema('http://localhost:5000').default('http://localhost:5000'),
  /**
   * The voice, as named on the server (e.g. `"en_US-lessac-medium"`); the server loads it from its data directory.
   * Not sent with `api: "text"` (that server has one voice). @default the voice the server was started with (`-m`)
   */
  voice: nonEmptyString('a Piper voice name', 'en_US-lessac-medium').optional(),
  /** The speaker of a multi-speaker voice, by id. @default the voice's default speaker */
  speakerId: z
    .number({ error: `expected a speaker id${FIX}use a whole number such as 0.` })
    .int({ error: `expected a whole number${FIX}use a speaker id such as 0.` })
    .nonnegative({ error: `expected a speaker id >= 0${FIX}use a speaker id such as 0.` })
    .optional(),
  /** Phoneme length: above 1 speaks slower, below 1 faster. @default the voice's (1) */
  lengthScale: z
    .number({ error: `expected a number${FIX}use a length scale between 0.25 and 4 (1 is normal).` })
    .min(0.25, { error: `expected a length scale >= 0.25${FIX}use a value between 0.25 and 4 (1 is normal).` })
    .max(4, { error: `expected a length scale <= 4${FIX}use a value between 0.25 and 4 (1 is normal).` })
    .optional(),
  /**
   * The server's HTTP API, by piper-tts version: `"synthesize"` (1.5 and later: `POST /synthesize` with JSON),
   * `"json"` (1.3–1.4: `POST /` with JSON), `"text"` (1.2 and earlier, rhasspy/piper: `POST /` with the text as body).
   * @default "synthesize"
   */
  api: z
    .enum(PIPER_APIS, {
      error: `expected one of ${PIPER_APIS.map((api) => `"${api}"`).join(', ')}${FIX}use "synthesize" for piper-tts 1.5+, "json" for 1.3–1.4, "text" for 1.2 and earlier.`,
    })
    .default('synthesize'),
  /**
   * The sample rate the TTS declares to the session, in Hz. Piper's voices speak at 22050 Hz (`medium`, `high`) or
   * 16000 Hz (`low`, `x_low`); audio at another rate than this one is resampled.
   * @default 22050
   */
  sampleRate: z
    .number({ error: `expected a sample rate in Hz${FIX}use 22050 (medium and high voices) or 16000 (low voices).` })
    .int({ error: `expected a whole number of Hz${FIX}use 22050 or 16000.` })
    .min(8_000, { error: `expected a sample rate >= 8000${FIX}use 22050 or 16000.` })
    .max(48_000, { error: `expected a sample rate <= 48000${FIX}use 22050 or 16000.` })
    .default(22_050),
  /** Time allowed for one synthesis, in ms. @default 10000 */
  timeoutMs: durationSchema('`timeoutMs`', { min: 10 }).default(10_000),
  /**
   * The longest audio accepted for one sentence, in ms: a longer answer is an error, and is not read further (the
   * body is capped at this much audio at the rate its header declares). The default holds a 100-word sentence
   * (about 40 s at a normal pace) spoken three times slower (`lengthScale` 3); 2 minutes at 22050 Hz is 5.3 MB.
   * @default 120000
   */
  maxAudioMs: durationSchema('`maxAudioMs`', { min: 1_000, max: 600_000 }).default(120_000),
  /** Not sent: a Piper voice speaks one language. Accepted so that one `language` can be written on every entry of a chain. */
  language: languageSchema.optional(),
};

/** The options of { provider: 'piper' } (TTS), without `provider` and `lastResort` (the stack's). */
export const piperTTSOptions: OptionsSchema<typeof piperTTSFields> = z.strictObject(piperTTSFields);

/** Piper, the local neural TTS, through its HTTP server (`python3 -m piper.http_server -m <voice>`). */
export interface PiperTTSConfig extends EntryBase, z.input<typeof piperTTSOptions> {
  provider: 'piper';
}

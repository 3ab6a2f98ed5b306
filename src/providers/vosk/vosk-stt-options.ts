import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { durationSchema } from '../../config/durations.js';
import { FIX, languageSchema, nonEmptyString, type OptionsSchema, urlSchema } from '../../config/schema-helpers.js';

const voskSTTFields = {
  /** vosk-server's WebSocket. @default "ws://localhost:2700" */
  baseURL: urlSchema('ws://localhost:2700').default('ws://localhost:2700'),
  /**
   * Which vosk-server: `"python"` (`websocket/asr_server.py`, the `alphacep/kaldi-*` images) reads the `config`
   * message; `"cpp"` (`websocket-cpp/asr_server.cpp`, the `alphacep/kaldi-beast-*` images) ignores it, so it decodes
   * at its own `VOSK_SAMPLE_RATE` (set `sampleRate` to it) and takes no `phrases`. A C++ server configured as
   * `"python"` is detected at the first answer and fails with this fix.
   * @default "python"
   */
  server: z
    .enum(['python', 'cpp'], {
      error: `expected "python" or "cpp"${FIX}use "cpp" for vosk-server's C++ build (alphacep/kaldi-beast-*), else leave it out.`,
    })
    .default('python'),
  /**
   * The rate of the audio sent, in Hz (the session's audio is resampled to it). The Python server builds its
   * recognizer at this rate: 16000 suits the `vosk-model-*` models, 8000 the telephony ones. With `server: "cpp"`,
   * the server's `VOSK_SAMPLE_RATE` (8000 in the `alphacep/kaldi-beast-*` images).
   * @default 16000
   */
  sampleRate: z
    .number({ error: `expected a sample rate in Hz${FIX}use 16000 (or 8000 for a telephony model).` })
    .int({ error: `expected a whole number of Hz${FIX}use 16000 or 8000.` })
    .min(8_000, { error: `expected a sample rate >= 8000${FIX}use 16000 or 8000.` })
    .max(48_000, { error: `expected a sample rate <= 48000${FIX}use 16000 or 8000.` })
    .default(16_000),
  /** Restricts recognition to these phrases (vosk's `phrase_list` grammar; not every model supports it). @default none */
  phrases: z
    .array(z.string(), { error: `expected an array of strings${FIX}e.g. ["yes", "no", "[unk]"].` })
    .min(1, { error: `expected at least one phrase${FIX}remove \`phrases\` to recognise free speech.` })
    .optional(),
  /**
   * The model the server loaded, for logs, metrics and the banner only: vosk-server loads one model at start
   * (`VOSK_MODEL_PATH`), and that model decides the language.
   * @default "default"
   */
  model: nonEmptyString('the name of the model the server loaded', 'vosk-model-small-en-us-0.15').default('default'),
  /** Not sent (the server's model decides): reported on transcripts, and accepted so one `language` fits every entry. @default "en" */
  language: languageSchema.default('en'),
  /** Time allowed for the WebSocket handshake, in ms. @default 10000 */
  timeoutMs: durationSchema('`timeoutMs`', { min: 10 }).default(10_000),
};

/** The options of { provider: 'vosk' } (STT), without `provider` and `lastResort` (the stack's). */
export const voskSTTOptions: OptionsSchema<typeof voskSTTFields> = z
  .strictObject(voskSTTFields)
  .refine((options) => options.server === 'python' || options.phrases === undefined, {
    path: ['phrases'],
    error: `vosk-server's C++ build reads no config, so no phrase list${FIX}remove \`phrases\`, or run the Python server (alphacep/kaldi-*).`,
  });

/** Vosk, the offline speech recognizer, through vosk-server's WebSocket (`alphacep/kaldi-*` images, `asr_server.py`). */
export interface VoskSTTConfig extends EntryBase, z.input<typeof voskSTTOptions> {
  provider: 'vosk';
}

import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import {
  FIX,
  nonEmptyString,
  secretString,
  urlSchema,
  languageSchema,
  sampleRateSchema,
  type ModelId,
  modelIdSchema,
  type OptionsSchema,
} from '../../config/schema-helpers.js';

/** Cartesia's models (from the Cartesia plugin's `TTSModels`). Any other id is accepted too. */
export type CartesiaTTSModel = 'sonic-3' | 'sonic-2' | 'sonic-turbo' | 'sonic' | 'sonic-lite' | 'sonic-preview';

const cartesiaTTSFields = {
  /**
   * `sonic-3` (the plugin's default: the most languages, and the only one with `speed`/`volume` controls),
   * `sonic-turbo` (lowest latency), `sonic-2` …
   * @default "sonic-3"
   */
  model: modelIdSchema<ModelId<CartesiaTTSModel>>('a Cartesia model', 'sonic-3').default('sonic-3'),
  /**
   * A Cartesia voice id.
   * @default a native voice of `language` for en, fr, de, es, pt, ja and zh (see docs/providers/cartesia.md), else the English default
   */
  voice: nonEmptyString('a Cartesia voice id', 'f786b574-daa5-4673-aa0c-cbe3e8534c02').optional(),
  /** Language code. @default "en" */
  language: languageSchema.default('en'),
  /** Speaking rate: a number (sonic-3: 0.6–2.0) or `"slowest"` … `"fastest"`. @default Cartesia's default */
  speed: z
    .union([z.number(), z.enum(['fastest', 'fast', 'normal', 'slow', 'slowest'])], {
      error: `expected a number or "slowest" … "fastest"${FIX}use e.g. 1.1 (sonic-3) or "fast".`,
    })
    .optional(),
  /** Volume (sonic-3: 0.5–2.0). @default Cartesia's default */
  volume: z.number({ error: `expected a volume as a number${FIX}use a value between 0.5 and 2 (sonic-3).` }).optional(),
  /** Output sample rate in Hz. @default 24000 */
  sampleRate: sampleRateSchema([8000, 16000, 22050, 24000, 44100, 48000], 24000).default(24000),
  /** @default CARTESIA_API_KEY, read when the stack is created */
  apiKey: secretString('Cartesia API key', 'CARTESIA_API_KEY').optional(),
  /** @default "https://api.cartesia.ai" */
  baseURL: urlSchema('https://api.cartesia.ai').optional(),
};

/** The options of { provider: 'cartesia' } (TTS), without `provider` and `lastResort` (the stack's). */
export const cartesiaTTSOptions: OptionsSchema<typeof cartesiaTTSFields> = z.strictObject(cartesiaTTSFields);

/** Cartesia through `@livekit/agents-plugin-cartesia` (streaming over a WebSocket). */
export interface CartesiaTTSConfig extends EntryBase, z.input<typeof cartesiaTTSOptions> {
  provider: 'cartesia';
}

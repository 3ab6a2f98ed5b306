import { durationSchema } from '../../config/durations.js';
import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import {
  FIX,
  secretString,
  urlSchema,
  languageCode,
  type ModelId,
  modelIdSchema,
  type OptionsSchema,
} from '../../config/schema-helpers.js';

/** Deepgram's streaming models (from the Deepgram plugin's `STTModels`). Any other id is accepted too. */
export type DeepgramSTTModel =
  | 'nova-3'
  | 'nova-3-general'
  | 'nova-3-medical'
  | 'nova-3-multilingual'
  | 'nova-2'
  | 'nova-2-general'
  | 'nova-2-meeting'
  | 'nova-2-phonecall'
  | 'nova-2-finance'
  | 'nova-2-conversationalai'
  | 'nova-2-voicemail'
  | 'nova-2-video'
  | 'nova-2-medical'
  | 'nova-2-drivethru'
  | 'nova-2-automotive'
  | 'nova-2-atc'
  | 'enhanced-general'
  | 'base';

const deepgramSTTFields = {
  /**
   * Deepgram model. English-only variants (`nova-2-phonecall`, `nova-2-medical`, `nova-3-general` …) are replaced
   * by `nova-2-general` (with a warning) when `language` is not English.
   * @default "nova-3"
   */
  model: modelIdSchema<ModelId<DeepgramSTTModel>>('a Deepgram model', 'nova-3').default('nova-3'),
  /** Language code, e.g. `"en"`, `"fr"`, or `"multi"` (nova-3 / nova-2 code-switching). @default "en" */
  language: languageCode('en').default('en'),
  /** Silence (ms) after which Deepgram ends an utterance (`endpointing`). @default 25 */
  endpointingMs: durationSchema('`endpointingMs`').optional(),
  /** Words to boost, as Deepgram `keyterm` prompts (nova-3). @default none */
  keyterms: z.array(z.string(), { error: `expected an array of strings${FIX}e.g. ["LiveKit"].` }).optional(),
  /** Send interim transcripts. @default true */
  interimResults: z.boolean({ error: `expected true or false${FIX}use \`interimResults: false\` to turn them off.` }).optional(),
  /** @default DEEPGRAM_API_KEY */
  apiKey: secretString('Deepgram API key', 'DEEPGRAM_API_KEY').optional(),
  /** Deepgram's base URL (a proxy or a test mock); `http(s)` is turned into `ws(s)` for streaming. @default "wss://api.deepgram.com" */
  baseURL: urlSchema('wss://api.deepgram.com').optional(),
};

/** The options of { provider: 'deepgram' } (STT), without `provider` and `lastResort` (the stack's). */
export const deepgramSTTOptions: OptionsSchema<typeof deepgramSTTFields> = z.strictObject(deepgramSTTFields);

/** Deepgram live streaming STT through `@livekit/agents-plugin-deepgram`. */
export interface DeepgramSTTConfig extends EntryBase, z.input<typeof deepgramSTTOptions> {
  provider: 'deepgram';
}

import { durationSchema } from '../../config/durations.js';
import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { FIX, secretString, urlSchema, languageCode, type ModelId, modelIdSchema } from '../../config/schema-helpers.js';

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

/** Deepgram live streaming STT through `@livekit/agents-plugin-deepgram`. */
export interface DeepgramSTTConfig extends EntryBase {
  provider: 'deepgram';
  /**
   * Deepgram model. English-only variants (`nova-2-phonecall`, `nova-2-medical`, `nova-3-general` …) are replaced
   * by `nova-2-general` (with a warning) when `language` is not English.
   * @default "nova-3"
   */
  model?: ModelId<DeepgramSTTModel>;
  /** Language code, e.g. `"en"`, `"fr"`, or `"multi"` (nova-3 / nova-2 code-switching). @default "en" */
  language?: string;
  /** Silence (ms) after which Deepgram ends an utterance (`endpointing`). @default 25 */
  endpointingMs?: number;
  /** Words to boost, as Deepgram `keyterm` prompts (nova-3). @default none */
  keyterms?: string[];
  /** Send interim transcripts. @default true */
  interimResults?: boolean;
  /** @default DEEPGRAM_API_KEY */
  apiKey?: string;
  /** Deepgram's base URL (a proxy or a test mock); `http(s)` is turned into `ws(s)` for streaming. @default "wss://api.deepgram.com" */
  baseURL?: string;
}

/** The options of { provider: 'deepgram' } (STT), without `provider` and `lastResort` (the stack's). */
export const deepgramSTTOptions = z.strictObject({
  model: modelIdSchema<ModelId<DeepgramSTTModel>>('a Deepgram model', 'nova-3').default('nova-3'),
  language: languageCode('en').default('en'),
  endpointingMs: durationSchema('`endpointingMs`').optional(),
  keyterms: z.array(z.string(), { error: `expected an array of strings${FIX}e.g. ["LiveKit"].` }).optional(),
  interimResults: z.boolean({ error: `expected true or false${FIX}use \`interimResults: false\` to turn them off.` }).optional(),
  apiKey: secretString('Deepgram API key', 'DEEPGRAM_API_KEY').optional(),
  baseURL: urlSchema('wss://api.deepgram.com').optional(),
});

import { durationSchema } from '../../config/durations.js';
import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { FIX, nonEmptyString, secretString, urlSchema, languageCode } from '../../config/schema-helpers.js';

/** Deepgram live streaming STT through `@livekit/agents-plugin-deepgram`. */
export interface DeepgramSTTConfig extends EntryBase {
  provider: 'deepgram';
  /**
   * Deepgram model. English-only variants (`nova-2-phonecall`, `nova-2-medical`, `nova-3-general` …) are replaced
   * by `nova-2-general` (with a warning) when `language` is not English.
   * @default "nova-3"
   */
  model?: string;
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
  model: nonEmptyString('a Deepgram model', 'nova-3').default('nova-3'),
  language: languageCode('en').default('en'),
  endpointingMs: durationSchema('`endpointingMs`').optional(),
  keyterms: z.array(z.string(), { error: `expected an array of strings${FIX}e.g. ["LiveKit"].` }).optional(),
  interimResults: z.boolean({ error: `expected true or false${FIX}use \`interimResults: false\` to turn them off.` }).optional(),
  apiKey: secretString('Deepgram API key', 'DEEPGRAM_API_KEY').optional(),
  baseURL: urlSchema('wss://api.deepgram.com').optional(),
});

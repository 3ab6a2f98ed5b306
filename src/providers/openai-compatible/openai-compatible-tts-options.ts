import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { FIX, nonEmptyString, type OptionsSchema, secretString, urlSchema, languageSchema } from '../../config/schema-helpers.js';
import { openAIFormatSpeed } from '../openai-format/openai-format-options.js';

const openAICompatibleTTSFields = {
  /** The server's base URL, e.g. `"http://kokoro:8880/v1"`. Required. */
  baseURL: urlSchema('http://localhost:8880/v1'),
  /** The model name the server serves, e.g. `"kokoro"`. Required. */
  model: nonEmptyString('the model name the server serves', 'kokoro'),
  /** The server's voice name, e.g. `"af_bella"` for Kokoro. @default "alloy" */
  voice: nonEmptyString('a voice name', 'af_bella').default('alloy'),
  /** Speaking rate, 0.25–4. @default 1 */
  speed: openAIFormatSpeed.optional(),
  /** How to speak, for servers that support it. */
  instructions: z.string({ error: `expected a string${FIX}describe the tone, e.g. "Speak calmly."` }).optional(),
  /**
   * Not sent: OpenAI-format voices read the language from the text. Accepted so that one `language` can be
   * written on every entry of a chain.
   */
  language: languageSchema.optional(),
  /** @default none (most self-hosted servers need no key) */
  apiKey: secretString('API key').optional(),
};

/** The options of { provider: 'openai-compatible' } (TTS), without `provider` and `lastResort` (the stack's). */
export const openAICompatibleTTSOptions: OptionsSchema<typeof openAICompatibleTTSFields> = z.strictObject(openAICompatibleTTSFields);

/** A self-hosted OpenAI-compatible speech server (Kokoro-FastAPI, openedai-speech, LocalAI …). */
export interface OpenAICompatibleTTSConfig extends EntryBase, z.input<typeof openAICompatibleTTSOptions> {
  provider: 'openai-compatible';
}

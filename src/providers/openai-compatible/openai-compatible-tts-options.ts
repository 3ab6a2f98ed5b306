import { z } from 'zod';
import { FIX, nonEmptyString, secretString, urlSchema, languageSchema } from '../../config/schema-helpers.js';
import { openAIFormatSpeed, type OpenAIFormatTTSBase } from '../openai-format/openai-format-options.js';

/** A self-hosted OpenAI-compatible speech server (Kokoro-FastAPI, openedai-speech, LocalAI …). */
export interface OpenAICompatibleTTSConfig extends OpenAIFormatTTSBase {
  provider: 'openai-compatible';
  /** The server's base URL, e.g. `"http://kokoro:8880/v1"`. Required. */
  baseURL: string;
  /** The model name the server serves, e.g. `"kokoro"`. Required. */
  model: string;
  /** The server's voice name, e.g. `"af_bella"` for Kokoro. @default "alloy" */
  voice?: string;
  /** How to speak, for servers that support it. */
  instructions?: string;
  /** @default none (most self-hosted servers need no key) */
  apiKey?: string;
}

/** The options of { provider: 'openai-compatible' } (TTS), without `provider` and `lastResort` (the stack's). */
export const openAICompatibleTTSOptions = z.strictObject({
  baseURL: urlSchema('http://localhost:8880/v1'),
  model: nonEmptyString('the model name the server serves', 'kokoro'),
  voice: nonEmptyString('a voice name', 'af_bella').default('alloy'),
  speed: openAIFormatSpeed.optional(),
  instructions: z.string({ error: `expected a string${FIX}describe the tone, e.g. "Speak calmly."` }).optional(),
  language: languageSchema.optional(),
  apiKey: secretString('API key').optional(),
});

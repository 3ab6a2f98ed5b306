import { z } from 'zod';
import { durationSchema } from '../../config/durations.js';
import { FIX, headersSchema, languageCode } from '../../config/schema-helpers.js';

// What the OpenAI-format providers (OpenAI, OpenAI-compatible servers, OpenRouter, llama.cpp, Groq, Gemini,
// Anthropic, Azure OpenAI) share in their options. Each field's JSDoc is what users see on their entries.

const temperature = z
  .number({ error: `expected a number${FIX}use a temperature between 0 and 2.` })
  .min(0, { error: `expected a temperature >= 0${FIX}use a value between 0 and 2.` })
  .max(2, { error: `expected a temperature <= 2${FIX}use a value between 0 and 2.` });

/** The option fields of every OpenAI-format LLM. */
export const openAIFormatLLMFields = {
  /** Sampling temperature. @default the provider's default */
  temperature: temperature.optional(),
  /** Upper bound on generated tokens. @default the provider's default */
  maxCompletionTokens: z
    .number({ error: `expected a whole number of tokens${FIX}use e.g. 256.` })
    .int({ error: `expected a whole number of tokens${FIX}use e.g. 256.` })
    .positive({ error: `expected a positive number of tokens${FIX}use e.g. 256.` })
    .optional(),
  /** Extra HTTP headers sent with every request. */
  headers: headersSchema.optional(),
  /** Time allowed before the first byte of a reply, in ms. @default 10000 */
  timeoutMs: durationSchema('`timeoutMs`', { min: 10 }).optional(),
};

/** The option fields of every OpenAI-format (transcriptions endpoint) STT. */
export const openAIFormatSTTFields = {
  /** Language code, e.g. `"en"` or `"fr"` (sent as `language`). @default "en" */
  language: languageCode('en').default('en'),
  /** A prompt that biases transcription (names, jargon). @default none */
  prompt: z.string({ error: `expected a string${FIX}pass the prompt as text.` }).optional(),
  /**
   * Trailing silence, in ms, after which the bundled VAD ends a segment and sends it for transcription. Lower is
   * snappier; higher cuts fewer sentences in half.
   * @default 250
   */
  minSilenceMs: durationSchema('`minSilenceMs`', { min: 50, max: 5_000 }).default(250),
};

/** The speaking rate of the OpenAI-format TTS providers. */
export const openAIFormatSpeed = z
  .number({ error: `expected a speed as a number${FIX}use a value between 0.25 and 4 (1 is normal).` })
  .min(0.25, { error: `expected a speed >= 0.25${FIX}use a value between 0.25 and 4 (1 is normal).` })
  .max(4, { error: `expected a speed <= 4${FIX}use a value between 0.25 and 4 (1 is normal).` });

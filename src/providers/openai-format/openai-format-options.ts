import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { durationSchema } from '../../config/durations.js';
import { FIX, headersSchema, languageCode, nonEmptyString, secretString, urlSchema } from '../../config/schema-helpers.js';

// What the OpenAI-format providers (OpenAI, OpenAI-compatible servers, OpenRouter, llama.cpp, Groq, Gemini,
// Anthropic, Azure OpenAI) share in their options.

/** Options shared by the OpenAI-format LLM providers. */
export interface OpenAIFormatLLMBase extends EntryBase {
  /** Sampling temperature. @default the provider's default */
  temperature?: number;
  /** Upper bound on generated tokens. @default the provider's default */
  maxCompletionTokens?: number;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string>;
  /** Time allowed before the first byte of a reply, in ms. @default 10000 */
  timeoutMs?: number;
}

/** Fields shared by the OpenAI-format (transcriptions endpoint) STT providers. */
export interface OpenAIFormatSTTBase extends EntryBase {
  /** Language code, e.g. `"en"` or `"fr"` (sent as `language`). @default "en" */
  language?: string;
  /** A prompt that biases transcription (names, jargon). @default none */
  prompt?: string;
  /**
   * Trailing silence, in ms, after which the bundled VAD ends a segment and sends it for transcription. Lower is
   * snappier; higher cuts fewer sentences in half.
   * @default 250
   */
  minSilenceMs?: number;
}

/** Options shared by the OpenAI-format TTS providers (one-shot `POST /audio/speech`, 24 kHz PCM). */
export interface OpenAIFormatTTSBase extends EntryBase {
  /** Speaking rate, 0.25–4. @default 1 */
  speed?: number;
  /**
   * Not sent: OpenAI-format voices read the language from the text. Accepted so that one `language` can be
   * written on every entry of a chain.
   */
  language?: string;
}

const temperature = z
  .number({ error: `expected a number${FIX}use a temperature between 0 and 2.` })
  .min(0, { error: `expected a temperature >= 0${FIX}use a value between 0 and 2.` })
  .max(2, { error: `expected a temperature <= 2${FIX}use a value between 0 and 2.` });

/** The option fields of every OpenAI-format LLM. */
export const openAIFormatLLMFields = {
  temperature: temperature.optional(),
  maxCompletionTokens: z
    .number({ error: `expected a whole number of tokens${FIX}use e.g. 256.` })
    .int({ error: `expected a whole number of tokens${FIX}use e.g. 256.` })
    .positive({ error: `expected a positive number of tokens${FIX}use e.g. 256.` })
    .optional(),
  headers: headersSchema.optional(),
  timeoutMs: durationSchema('`timeoutMs`', { min: 10 }).optional(),
};

/** The schema of a hosted OpenAI-format LLM: a default model and base URL, and its own key variable. */
export const hostedLLMOptions = (what: string, model: string, keyName: string, keyVariable: string, baseURL: string) =>
  z.strictObject({
    model: nonEmptyString(what, model).default(model),
    apiKey: secretString(keyName, keyVariable).optional(),
    baseURL: urlSchema(baseURL).default(baseURL),
    ...openAIFormatLLMFields,
  });

/** The option fields of every OpenAI-format (transcriptions endpoint) STT. */
export const openAIFormatSTTFields = {
  language: languageCode('en').default('en'),
  prompt: z.string({ error: `expected a string${FIX}pass the prompt as text.` }).optional(),
  minSilenceMs: durationSchema('`minSilenceMs`', { min: 50, max: 5_000 }).default(250),
};

/** The speaking rate of the OpenAI-format TTS providers. */
export const openAIFormatSpeed = z
  .number({ error: `expected a speed as a number${FIX}use a value between 0.25 and 4 (1 is normal).` })
  .min(0.25, { error: `expected a speed >= 0.25${FIX}use a value between 0.25 and 4 (1 is normal).` })
  .max(4, { error: `expected a speed <= 4${FIX}use a value between 0.25 and 4 (1 is normal).` });

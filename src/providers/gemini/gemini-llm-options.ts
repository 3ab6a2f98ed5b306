import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

const geminiLLMFields = {
  /** @default "gemini-2.5-flash" */
  model: nonEmptyString('a Gemini model', 'gemini-2.5-flash').default('gemini-2.5-flash'),
  /** @default GEMINI_API_KEY, then GOOGLE_API_KEY */
  apiKey: secretString('Gemini API key', 'GEMINI_API_KEY').optional(),
  /** @default "https://generativelanguage.googleapis.com/v1beta/openai" */
  baseURL: urlSchema('https://generativelanguage.googleapis.com/v1beta/openai').default(
    'https://generativelanguage.googleapis.com/v1beta/openai',
  ),
};

/** The options of { provider: 'gemini' } (LLM), without `provider` and `lastResort` (the stack's). */
export const geminiLLMOptions: OptionsSchema<typeof geminiLLMFields & typeof openAIFormatLLMFields> = z.strictObject({
  ...geminiLLMFields,
  ...openAIFormatLLMFields,
});

/** Google Gemini through its OpenAI-compatible endpoint. */
export interface GeminiLLMConfig extends EntryBase, z.input<typeof geminiLLMOptions> {
  provider: 'gemini';
}

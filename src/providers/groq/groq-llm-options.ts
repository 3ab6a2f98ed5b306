import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

const groqLLMFields = {
  /** @default "llama-3.3-70b-versatile" */
  model: nonEmptyString('a Groq model', 'llama-3.3-70b-versatile').default('llama-3.3-70b-versatile'),
  /** @default GROQ_API_KEY */
  apiKey: secretString('Groq API key', 'GROQ_API_KEY').optional(),
  /** @default "https://api.groq.com/openai/v1" */
  baseURL: urlSchema('https://api.groq.com/openai/v1').default('https://api.groq.com/openai/v1'),
};

/** The options of { provider: 'groq' } (LLM), without `provider` and `lastResort` (the stack's). */
export const groqLLMOptions: OptionsSchema<typeof groqLLMFields & typeof openAIFormatLLMFields> = z.strictObject({
  ...groqLLMFields,
  ...openAIFormatLLMFields,
});

/** Groq's OpenAI-compatible endpoint. */
export interface GroqLLMConfig extends EntryBase, z.input<typeof groqLLMOptions> {
  provider: 'groq';
}

import { z } from 'zod';
import { nonEmptyString, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** OpenAI through `@livekit/agents-plugin-openai`. */
export interface OpenAILLMConfig extends OpenAIFormatLLMBase {
  provider: 'openai';
  /** @default "gpt-4.1-mini" */
  model?: string;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default OPENAI_BASE_URL, then "https://api.openai.com/v1" */
  baseURL?: string;
}

/** The options of { provider: 'openai' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openAILLMOptions = z.strictObject({
  model: nonEmptyString('a model name', 'gpt-4.1-mini').default('gpt-4.1-mini'),
  apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
  baseURL: urlSchema('https://api.openai.com/v1').optional(),
  ...openAIFormatLLMFields,
});

import { z } from 'zod';
import { type ModelId, modelIdSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** Current OpenAI chat models (from the OpenAI plugin's `ChatModels`); any other id is accepted too. */
export type OpenAIChatModel =
  | 'gpt-5.4'
  | 'gpt-5.4-mini'
  | 'gpt-5.2'
  | 'gpt-5.1'
  | 'gpt-5'
  | 'gpt-5-mini'
  | 'gpt-5-nano'
  | 'gpt-4.1'
  | 'gpt-4.1-mini'
  | 'gpt-4.1-nano'
  | 'gpt-4o'
  | 'gpt-4o-mini';

/** OpenAI through `@livekit/agents-plugin-openai`. */
export interface OpenAILLMConfig extends OpenAIFormatLLMBase {
  provider: 'openai';
  /** @default "gpt-4.1-mini" */
  model?: ModelId<OpenAIChatModel>;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default OPENAI_BASE_URL, then "https://api.openai.com/v1" */
  baseURL?: string;
}

/** The options of { provider: 'openai' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openAILLMOptions = z.strictObject({
  model: modelIdSchema<ModelId<OpenAIChatModel>>('a model name', 'gpt-4.1-mini').default('gpt-4.1-mini'),
  apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
  baseURL: urlSchema('https://api.openai.com/v1').optional(),
  ...openAIFormatLLMFields,
});

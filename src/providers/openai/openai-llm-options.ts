import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { type ModelId, modelIdSchema, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

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

const openAILLMFields = {
  /** @default "gpt-4.1-mini" */
  model: modelIdSchema<ModelId<OpenAIChatModel>>('a model name', 'gpt-4.1-mini').default('gpt-4.1-mini'),
  /** @default OPENAI_API_KEY */
  apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
  /** @default OPENAI_BASE_URL, then "https://api.openai.com/v1" */
  baseURL: urlSchema('https://api.openai.com/v1').optional(),
};

/** The options of { provider: 'openai' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openAILLMOptions: OptionsSchema<typeof openAILLMFields & typeof openAIFormatLLMFields> = z.strictObject({
  ...openAILLMFields,
  ...openAIFormatLLMFields,
});

/** OpenAI through `@livekit/agents-plugin-openai`. */
export interface OpenAILLMConfig extends EntryBase, z.input<typeof openAILLMOptions> {
  provider: 'openai';
}

import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

const anthropicLLMFields = {
  /** @default "claude-haiku-4-5" */
  model: nonEmptyString('a Claude model', 'claude-haiku-4-5').default('claude-haiku-4-5'),
  /** @default ANTHROPIC_API_KEY */
  apiKey: secretString('Anthropic API key', 'ANTHROPIC_API_KEY').optional(),
  /** @default "https://api.anthropic.com/v1" */
  baseURL: urlSchema('https://api.anthropic.com/v1').default('https://api.anthropic.com/v1'),
};

/** The options of { provider: 'anthropic' } (LLM), without `provider` and `lastResort` (the stack's). */
export const anthropicLLMOptions: OptionsSchema<typeof anthropicLLMFields & typeof openAIFormatLLMFields> = z.strictObject({
  ...anthropicLLMFields,
  ...openAIFormatLLMFields,
});

/** Anthropic Claude through its OpenAI SDK compatibility endpoint. */
export interface AnthropicLLMConfig extends EntryBase, z.input<typeof anthropicLLMOptions> {
  provider: 'anthropic';
}

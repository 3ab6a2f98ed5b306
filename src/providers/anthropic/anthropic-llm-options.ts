import { hostedLLMOptions, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** Anthropic Claude through its OpenAI SDK compatibility endpoint. */
export interface AnthropicLLMConfig extends OpenAIFormatLLMBase {
  provider: 'anthropic';
  /** @default "claude-haiku-4-5" */
  model?: string;
  /** @default ANTHROPIC_API_KEY */
  apiKey?: string;
  /** @default "https://api.anthropic.com/v1" */
  baseURL?: string;
}

/** The options of { provider: 'anthropic' } (LLM), without `provider` and `lastResort` (the stack's). */
export const anthropicLLMOptions = hostedLLMOptions(
  'a Claude model',
  'claude-haiku-4-5',
  'Anthropic API key',
  'ANTHROPIC_API_KEY',
  'https://api.anthropic.com/v1',
);

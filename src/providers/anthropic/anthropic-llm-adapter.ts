import { anthropicLLMOptions } from './anthropic-llm-options.js';
import { hostedLLMAdapter } from '../openai-format/hosted-llm-adapter.js';

/** `{ provider: 'anthropic' }`: Claude through Anthropic's OpenAI SDK compatibility endpoint, keyed by `ANTHROPIC_API_KEY`. */
export const anthropicLLMAdapter = hostedLLMAdapter('anthropic', anthropicLLMOptions, ['ANTHROPIC_API_KEY']);

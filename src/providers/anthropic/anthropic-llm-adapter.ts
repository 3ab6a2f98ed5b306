import { llmOptionSchemas } from '../../config/llm-config.js';
import { hostedLLMAdapter } from '../llm/hosted-llm-adapter.js';

/** `{ provider: 'anthropic' }`: Claude through Anthropic's OpenAI SDK compatibility endpoint, keyed by `ANTHROPIC_API_KEY`. */
export const anthropicLLMAdapter = hostedLLMAdapter('anthropic', llmOptionSchemas.anthropic, ['ANTHROPIC_API_KEY']);

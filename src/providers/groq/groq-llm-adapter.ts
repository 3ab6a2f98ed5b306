import { llmOptionSchemas } from '../../config/llm-config.js';
import { hostedLLMAdapter } from '../llm/hosted-llm-adapter.js';

/** `{ provider: 'groq' }`: Groq's OpenAI-compatible endpoint, keyed by `GROQ_API_KEY`. */
export const groqLLMAdapter = hostedLLMAdapter('groq', llmOptionSchemas.groq, ['GROQ_API_KEY']);

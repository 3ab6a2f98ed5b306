import { groqLLMOptions } from './groq-llm-options.js';
import { hostedLLMAdapter } from '../openai-format/hosted-llm-adapter.js';

/** `{ provider: 'groq' }`: Groq's OpenAI-compatible endpoint, keyed by `GROQ_API_KEY`. */
export const groqLLMAdapter = hostedLLMAdapter('groq', groqLLMOptions, ['GROQ_API_KEY']);

import { llmOptionSchemas } from '../../config/llm-config.js';
import { hostedLLMAdapter } from '../llm/hosted-llm-adapter.js';

/** `{ provider: 'gemini' }`: Google Gemini's OpenAI-compatible endpoint, keyed by `GEMINI_API_KEY` (else `GOOGLE_API_KEY`). */
export const geminiLLMAdapter = hostedLLMAdapter('gemini', llmOptionSchemas.gemini, ['GEMINI_API_KEY', 'GOOGLE_API_KEY']);

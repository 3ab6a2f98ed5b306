import { geminiLLMOptions } from './gemini-llm-options.js';
import { hostedLLMAdapter } from '../openai-format/hosted-llm-adapter.js';

/** `{ provider: 'gemini' }`: Google Gemini's OpenAI-compatible endpoint, keyed by `GEMINI_API_KEY` (else `GOOGLE_API_KEY`). */
export const geminiLLMAdapter = hostedLLMAdapter('gemini', geminiLLMOptions, ['GEMINI_API_KEY', 'GOOGLE_API_KEY']);

import { hostedLLMOptions, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** Google Gemini through its OpenAI-compatible endpoint. */
export interface GeminiLLMConfig extends OpenAIFormatLLMBase {
  provider: 'gemini';
  /** @default "gemini-2.5-flash" */
  model?: string;
  /** @default GEMINI_API_KEY, then GOOGLE_API_KEY */
  apiKey?: string;
  /** @default "https://generativelanguage.googleapis.com/v1beta/openai" */
  baseURL?: string;
}

/** The options of { provider: 'gemini' } (LLM), without `provider` and `lastResort` (the stack's). */
export const geminiLLMOptions = hostedLLMOptions(
  'a Gemini model',
  'gemini-2.5-flash',
  'Gemini API key',
  'GEMINI_API_KEY',
  'https://generativelanguage.googleapis.com/v1beta/openai',
);

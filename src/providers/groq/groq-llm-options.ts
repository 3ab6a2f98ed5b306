import { hostedLLMOptions, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** Groq's OpenAI-compatible endpoint. */
export interface GroqLLMConfig extends OpenAIFormatLLMBase {
  provider: 'groq';
  /** @default "llama-3.3-70b-versatile" */
  model?: string;
  /** @default GROQ_API_KEY */
  apiKey?: string;
  /** @default "https://api.groq.com/openai/v1" */
  baseURL?: string;
}

/** The options of { provider: 'groq' } (LLM), without `provider` and `lastResort` (the stack's). */
export const groqLLMOptions = hostedLLMOptions(
  'a Groq model',
  'llama-3.3-70b-versatile',
  'Groq API key',
  'GROQ_API_KEY',
  'https://api.groq.com/openai/v1',
);

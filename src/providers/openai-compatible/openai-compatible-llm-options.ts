import { z } from 'zod';
import { nonEmptyString, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** A self-hosted OpenAI-compatible server (vLLM, TGI, Ollama, LM Studio …). */
export interface OpenAICompatibleLLMConfig extends OpenAIFormatLLMBase {
  provider: 'openai-compatible';
  /** The server's base URL, e.g. `"http://vllm:8000/v1"`. Required. */
  baseURL: string;
  /** The model name the server serves. Required. */
  model: string;
  /** @default none (many self-hosted servers need no key) */
  apiKey?: string;
}

/** The options of { provider: 'openai-compatible' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openAICompatibleLLMOptions = z.strictObject({
  baseURL: urlSchema('http://localhost:8000/v1'),
  model: nonEmptyString('the model name the server serves', 'qwen3-8b'),
  apiKey: secretString('API key').optional(),
  ...openAIFormatLLMFields,
});

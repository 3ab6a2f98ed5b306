import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

const openAICompatibleLLMFields = {
  /** The server's base URL, e.g. `"http://vllm:8000/v1"`. Required. */
  baseURL: urlSchema('http://localhost:8000/v1'),
  /** The model name the server serves. Required. */
  model: nonEmptyString('the model name the server serves', 'qwen3-8b'),
  /** @default none (many self-hosted servers need no key) */
  apiKey: secretString('API key').optional(),
};

/** The options of { provider: 'openai-compatible' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openAICompatibleLLMOptions: OptionsSchema<typeof openAICompatibleLLMFields & typeof openAIFormatLLMFields> = z.strictObject({
  ...openAICompatibleLLMFields,
  ...openAIFormatLLMFields,
});

/** A self-hosted OpenAI-compatible server (vLLM, TGI, Ollama, LM Studio …). */
export interface OpenAICompatibleLLMConfig extends EntryBase, z.input<typeof openAICompatibleLLMOptions> {
  provider: 'openai-compatible';
}

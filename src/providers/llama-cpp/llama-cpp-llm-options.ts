import { z } from 'zod';
import { nonEmptyString, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** A local llama.cpp server (`llama-server`), the usual last resort. */
export interface LlamaCppLLMConfig extends OpenAIFormatLLMBase {
  provider: 'llama-cpp';
  /** @default "http://localhost:8080/v1" */
  baseURL?: string;
  /** The alias llama.cpp serves. @default "local" */
  model?: string;
  /** Set when the server runs with `--api-key`. */
  apiKey?: string;
}

/** The options of { provider: 'llama-cpp' } (LLM), without `provider` and `lastResort` (the stack's). */
export const llamaCppLLMOptions = z.strictObject({
  baseURL: urlSchema('http://localhost:8080/v1').default('http://localhost:8080/v1'),
  model: nonEmptyString('the model alias', 'local').default('local'),
  apiKey: secretString('llama.cpp API key').optional(),
  ...openAIFormatLLMFields,
});

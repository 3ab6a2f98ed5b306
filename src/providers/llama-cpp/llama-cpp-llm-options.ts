import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

const llamaCppLLMFields = {
  /** @default "http://localhost:8080/v1" */
  baseURL: urlSchema('http://localhost:8080/v1').default('http://localhost:8080/v1'),
  /** The alias llama.cpp serves. @default "local" */
  model: nonEmptyString('the model alias', 'local').default('local'),
  /** Set when the server runs with `--api-key`. */
  apiKey: secretString('llama.cpp API key').optional(),
};

/** The options of { provider: 'llama-cpp' } (LLM), without `provider` and `lastResort` (the stack's). */
export const llamaCppLLMOptions: OptionsSchema<typeof llamaCppLLMFields & typeof openAIFormatLLMFields> = z.strictObject({
  ...llamaCppLLMFields,
  ...openAIFormatLLMFields,
});

/** A local llama.cpp server (`llama-server`), the usual last resort. */
export interface LlamaCppLLMConfig extends EntryBase, z.input<typeof llamaCppLLMOptions> {
  provider: 'llama-cpp';
}

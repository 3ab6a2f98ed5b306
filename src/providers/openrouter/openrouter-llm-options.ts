import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { FIX, nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields } from '../openai-format/openai-format-options.js';

const openRouterLLMFields = {
  /** One model, e.g. `"meta-llama/llama-3.3-70b-instruct:free"`. Give `model` or `models`. */
  model: nonEmptyString('an OpenRouter model id', 'meta-llama/llama-3.3-70b-instruct:free').optional(),
  /** An ordered chain of models: each becomes its own option, with its own cooldown. */
  models: z
    .array(nonEmptyString('an OpenRouter model id', 'meta-llama/llama-3.3-70b-instruct:free'), {
      error: `expected an array of model ids${FIX}e.g. ["meta-llama/llama-3.3-70b-instruct:free", "qwen/qwen-2.5-72b-instruct:free"].`,
    })
    .min(1, { error: `expected at least one model${FIX}list one or more OpenRouter model ids.` })
    .optional(),
  /** @default OPENROUTER_API_KEY */
  apiKey: secretString('OpenRouter API key', 'OPENROUTER_API_KEY').optional(),
  /** @default "https://openrouter.ai/api/v1" */
  baseURL: urlSchema('https://openrouter.ai/api/v1').default('https://openrouter.ai/api/v1'),
  /** Sent as `HTTP-Referer` (OpenRouter's app attribution). */
  siteUrl: z.string().optional(),
  /** Sent as `X-Title` (OpenRouter's app attribution). @default "livekit-voice-stack" */
  appName: z.string().default('livekit-voice-stack'),
  /**
   * Also let OpenRouter route server-side: each request carries the rest of the chain in `models`.
   * @default false
   */
  serverRouting: z.boolean().default(false),
};

/** The options of { provider: 'openrouter' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openRouterLLMOptions: OptionsSchema<typeof openRouterLLMFields & typeof openAIFormatLLMFields> = z
  .strictObject({ ...openRouterLLMFields, ...openAIFormatLLMFields })
  .refine((options) => options.model !== undefined || options.models !== undefined, {
    error: `expected \`model\` or \`models\`${FIX}add \`models: ["meta-llama/llama-3.3-70b-instruct:free"]\`.`,
  });

/** OpenRouter, with a model chain. */
export interface OpenRouterLLMConfig extends EntryBase, z.input<typeof openRouterLLMOptions> {
  provider: 'openrouter';
}

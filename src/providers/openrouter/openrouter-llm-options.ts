import { z } from 'zod';
import { FIX, nonEmptyString, secretString, urlSchema } from '../../config/schema-helpers.js';
import { openAIFormatLLMFields, type OpenAIFormatLLMBase } from '../openai-format/openai-format-options.js';

/** OpenRouter, with a model chain. */
export interface OpenRouterLLMConfig extends OpenAIFormatLLMBase {
  provider: 'openrouter';
  /** One model, e.g. `"meta-llama/llama-3.3-70b-instruct:free"`. Give `model` or `models`. */
  model?: string;
  /** An ordered chain of models: each becomes its own option, with its own cooldown. */
  models?: string[];
  /** @default OPENROUTER_API_KEY */
  apiKey?: string;
  /** @default "https://openrouter.ai/api/v1" */
  baseURL?: string;
  /** Sent as `HTTP-Referer` (OpenRouter's app attribution). */
  siteUrl?: string;
  /** Sent as `X-Title` (OpenRouter's app attribution). @default "livekit-voice-stack" */
  appName?: string;
  /**
   * Also let OpenRouter route server-side: each request carries the rest of the chain in `models`.
   * @default false
   */
  serverRouting?: boolean;
}

/** The options of { provider: 'openrouter' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openRouterLLMOptions = z
  .strictObject({
    model: nonEmptyString('an OpenRouter model id', 'meta-llama/llama-3.3-70b-instruct:free').optional(),
    models: z
      .array(nonEmptyString('an OpenRouter model id', 'meta-llama/llama-3.3-70b-instruct:free'), {
        error: `expected an array of model ids${FIX}e.g. ["meta-llama/llama-3.3-70b-instruct:free", "qwen/qwen-2.5-72b-instruct:free"].`,
      })
      .min(1, { error: `expected at least one model${FIX}list one or more OpenRouter model ids.` })
      .optional(),
    apiKey: secretString('OpenRouter API key', 'OPENROUTER_API_KEY').optional(),
    baseURL: urlSchema('https://openrouter.ai/api/v1').default('https://openrouter.ai/api/v1'),
    siteUrl: z.string().optional(),
    appName: z.string().default('livekit-voice-stack'),
    serverRouting: z.boolean().default(false),
    ...openAIFormatLLMFields,
  })
  .refine((options) => options.model !== undefined || options.models !== undefined, {
    error: `expected \`model\` or \`models\`${FIX}add \`models: ["meta-llama/llama-3.3-70b-instruct:free"]\`.`,
  });

import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { durationSchema } from '../../config/durations.js';
import { FIX, secretString, urlSchema, modelIdSchema, type ModelId, type OptionsSchema } from '../../config/schema-helpers.js';

/** LiveKit Inference LLMs (from `inference.LLMModels` of @livekit/agents). Any other id is accepted too. */
export type InferenceLLMModel =
  | 'openai/gpt-4.1-mini'
  | 'openai/gpt-4.1'
  | 'openai/gpt-4.1-nano'
  | 'openai/gpt-4o-mini'
  | 'openai/gpt-4o'
  | 'openai/gpt-5'
  | 'openai/gpt-5-mini'
  | 'openai/gpt-5-nano'
  | 'google/gemini-2.5-flash'
  | 'google/gemini-2.5-pro'
  | 'google/gemini-2.5-flash-lite'
  | 'deepseek-ai/deepseek-v3';

const inferenceLLMFields = {
  /** Model string, e.g. `"openai/gpt-4.1-mini"` (LiveKit's list of Inference models, or any other). */
  model: modelIdSchema<ModelId<InferenceLLMModel>>('an Inference model string', 'openai/gpt-4.1-mini'),
  /** @default LIVEKIT_INFERENCE_API_KEY, then LIVEKIT_API_KEY */
  apiKey: secretString('LiveKit API key', 'LIVEKIT_API_KEY').optional(),
  /** @default LIVEKIT_INFERENCE_API_SECRET, then LIVEKIT_API_SECRET */
  apiSecret: secretString('LiveKit API secret', 'LIVEKIT_API_SECRET').optional(),
  /** @default LIVEKIT_INFERENCE_URL, then LiveKit's gateway */
  baseURL: urlSchema('https://agent-gateway.livekit.cloud/v1').optional(),
  /** Upstream provider hint sent as `X-LiveKit-Inference-Provider`. */
  inferenceProvider: z.string().optional(),
  /** Priority class sent as `X-LiveKit-Inference-Priority`. */
  inferenceClass: z
    .enum(['priority', 'standard', 'low'], { error: `expected "priority", "standard" or "low"${FIX}use one of them.` })
    .optional(),
  /** Extra body fields for the chat completion (e.g. `{ temperature: 0.3 }`). */
  modelOptions: z.record(z.string(), z.unknown()).optional(),
  /** Time allowed before the first byte of a reply, in ms. @default 10000 */
  timeoutMs: durationSchema('`timeoutMs`', { min: 10 }).optional(),
};

/** The options of { provider: 'inference' } (LLM), without `provider` and `lastResort` (the stack's). */
export const inferenceLLMOptions: OptionsSchema<typeof inferenceLLMFields> = z.strictObject(inferenceLLMFields);

/** LiveKit Inference (LiveKit Cloud's gateway): `inference.LLM`. */
export interface InferenceLLMConfig extends EntryBase, z.input<typeof inferenceLLMOptions> {
  provider: 'inference';
}

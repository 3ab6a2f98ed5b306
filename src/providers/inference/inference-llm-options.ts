import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { durationSchema } from '../../config/durations.js';
import { FIX, secretString, urlSchema, modelIdSchema, type ModelId } from '../../config/schema-helpers.js';

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

/** LiveKit Inference (LiveKit Cloud's gateway): `inference.LLM`. */
export interface InferenceLLMConfig extends EntryBase {
  provider: 'inference';
  /** Model string, e.g. `"openai/gpt-4.1-mini"` (LiveKit's list of Inference models, or any other). */
  model: ModelId<InferenceLLMModel>;
  /** @default LIVEKIT_INFERENCE_API_KEY, then LIVEKIT_API_KEY */
  apiKey?: string;
  /** @default LIVEKIT_INFERENCE_API_SECRET, then LIVEKIT_API_SECRET */
  apiSecret?: string;
  /** @default LIVEKIT_INFERENCE_URL, then LiveKit's gateway */
  baseURL?: string;
  /** Upstream provider hint sent as `X-LiveKit-Inference-Provider`. */
  inferenceProvider?: string;
  /** Priority class sent as `X-LiveKit-Inference-Priority`. */
  inferenceClass?: 'priority' | 'standard' | 'low';
  /** Extra body fields for the chat completion (e.g. `{ temperature: 0.3 }`). */
  modelOptions?: Record<string, unknown>;
  /** Time allowed before the first byte of a reply, in ms. @default 10000 */
  timeoutMs?: number;
}

/** The options of { provider: 'inference' } (LLM), without `provider` and `lastResort` (the stack's). */
export const inferenceLLMOptions = z.strictObject({
  model: modelIdSchema<ModelId<InferenceLLMModel>>('an Inference model string', 'openai/gpt-4.1-mini'),
  apiKey: secretString('LiveKit API key', 'LIVEKIT_API_KEY').optional(),
  apiSecret: secretString('LiveKit API secret', 'LIVEKIT_API_SECRET').optional(),
  baseURL: urlSchema('https://agent-gateway.livekit.cloud/v1').optional(),
  inferenceProvider: z.string().optional(),
  inferenceClass: z
    .enum(['priority', 'standard', 'low'], { error: `expected "priority", "standard" or "low"${FIX}use one of them.` })
    .optional(),
  modelOptions: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: durationSchema('`timeoutMs`', { min: 10 }).optional(),
});

import { inference } from '@livekit/agents';
import { llmOptionSchemas } from '../../config/llm-config.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';

/** `{ provider: 'inference' }`: LiveKit Inference, signed with a short-lived token from the LiveKit key and secret. */
export const inferenceLLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'inference',
  options: llmOptionSchemas.inference,
  model: (options) => options.model,
  create: (options, context) => {
    const { env, path } = context;
    const apiKey = options.apiKey ?? env.LIVEKIT_INFERENCE_API_KEY ?? env.LIVEKIT_API_KEY;
    const apiSecret = options.apiSecret ?? env.LIVEKIT_INFERENCE_API_SECRET ?? env.LIVEKIT_API_SECRET;
    if (!apiKey) throw new MissingAPIKeyError(`${path} (inference)`, 'apiKey', 'LIVEKIT_API_KEY');
    if (!apiSecret) throw new MissingAPIKeyError(`${path} (inference)`, 'apiSecret', 'LIVEKIT_API_SECRET');
    const instance = new inference.LLM({
      model: options.model,
      apiKey,
      apiSecret,
      ...((options.baseURL ?? env.LIVEKIT_INFERENCE_URL) && { baseURL: options.baseURL ?? env.LIVEKIT_INFERENCE_URL }),
      ...(options.inferenceProvider && { provider: options.inferenceProvider }),
      ...(options.inferenceClass && { inferenceClass: options.inferenceClass }),
      ...(options.modelOptions && { modelOptions: options.modelOptions }),
    });
    // inference.LLM takes no client option: route its SDK client through context.fetch (Retry-After, msw).
    const holder = instance as unknown as { client: { withOptions(options: { fetch: typeof fetch }): unknown } };
    holder.client = holder.client.withOptions({ fetch: context.fetch }) as typeof holder.client;
    return instance;
  },
});

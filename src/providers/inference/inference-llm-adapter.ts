import { inference } from '@livekit/agents';
import { inferenceLLMOptions } from './inference-llm-options.js';
import { defineAdapter } from '../define-adapter.js';
import { probeInference, requireInferenceCredentials } from './inference-credentials.js';
import { probeHTTP } from '../probe-http.js';
import { routeInferenceLLMFetch } from '../livekit-internals.js';
import { carryResponseProgress } from '../response-progress.js';

/** `{ provider: 'inference' }`: LiveKit Inference, signed with a short-lived token from the LiveKit key and secret. */
export const inferenceLLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'inference',
  options: inferenceLLMOptions,
  model: (options) => options.model,
  create: (options, context) => {
    const { apiKey, apiSecret, baseURL } = requireInferenceCredentials(options, context);
    const instance = new inference.LLM({
      model: options.model,
      apiKey,
      apiSecret,
      ...(baseURL && { baseURL }),
      ...(options.inferenceProvider && { provider: options.inferenceProvider }),
      ...(options.inferenceClass && { inferenceClass: options.inferenceClass }),
      ...(options.modelOptions && { modelOptions: options.modelOptions }),
    });
    // inference.LLM takes no client option: route its SDK client through context.fetch (Retry-After, msw).
    carryResponseProgress(routeInferenceLLMFetch(instance, context.fetch), context.fetch);
    return instance;
  },
  // Signs a token as inference.LLM does, and lists the gateway's models with it: proves the key, the secret and reachability.
  health: (options, context) =>
    probeInference(options, context, '/models', (url, authorization) => probeHTTP(url, { headers: { authorization } }, context)),
});

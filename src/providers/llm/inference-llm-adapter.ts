import { createHmac } from 'node:crypto';
import { inference } from '@livekit/agents';
import { llmOptionSchemas } from '../../config/llm-config.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';
import { probeHTTP } from '../probe-http.js';

const DEFAULT_INFERENCE_URL = 'https://agent-gateway.livekit.cloud/v1';

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
  // Signs a token as inference.LLM does, and lists the gateway's models with it: proves the key, the secret and reachability.
  health: async (options, context) => {
    const { env } = context;
    const apiKey = options.apiKey ?? env.LIVEKIT_INFERENCE_API_KEY ?? env.LIVEKIT_API_KEY;
    const apiSecret = options.apiSecret ?? env.LIVEKIT_INFERENCE_API_SECRET ?? env.LIVEKIT_API_SECRET;
    if (!apiKey || !apiSecret) return { ok: false, error: 'no LiveKit API key or secret (set LIVEKIT_API_KEY and LIVEKIT_API_SECRET)' };
    const baseURL = (options.baseURL ?? env.LIVEKIT_INFERENCE_URL ?? DEFAULT_INFERENCE_URL).replace(/\/+$/, '');
    return probeHTTP(`${baseURL}/models`, { headers: { authorization: `Bearer ${inferenceToken(apiKey, apiSecret)}` } }, context);
  },
});

/** The HS256 token LiveKit Inference accepts (what `inference.LLM` builds with livekit-server-sdk's AccessToken). */
export function inferenceToken(apiKey: string, apiSecret: string, ttlSeconds = 600): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const nbf = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ inference: { perform: true }, iss: apiKey, sub: 'agent', nbf, exp: nbf + ttlSeconds })}`;
  return `${unsigned}.${createHmac('sha256', apiSecret).update(unsigned).digest('base64url')}`;
}

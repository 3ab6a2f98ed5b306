import { inference } from '@livekit/agents';
import { sttOptionSchemas } from '../../config/stt-config.js';
import { MissingAPIKeyError } from '../../errors/index.js';
import { defineAdapter } from '../define-adapter.js';
import { inferenceToken } from '../llm/inference-llm-adapter.js';
import { GuardedInferenceSTT } from './guarded-inference-stt.js';
import { probeWebSocket } from '../probe-websocket.js';

const DEFAULT_INFERENCE_URL = 'https://agent-gateway.livekit.cloud/v1';

/**
 * `{ provider: 'inference' }`: LiveKit Inference STT over one WebSocket, signed with a short-lived token from the
 * LiveKit key and secret, with the gateway's own server-side `fallback` models. Frames the client cannot handle are
 * dropped instead of crashing the process (see {@link GuardedInferenceSTT}).
 */
export const inferenceSTTAdapter = defineAdapter({
  modality: 'stt',
  provider: 'inference',
  options: sttOptionSchemas.inference,
  // Without the `:lang` suffix, as LiveKit reports it.
  model: (options) => inference.parseSTTModelString(options.model)[0],
  create: (options, context) => {
    const { env, path } = context;
    const apiKey = options.apiKey ?? env.LIVEKIT_INFERENCE_API_KEY ?? env.LIVEKIT_API_KEY;
    const apiSecret = options.apiSecret ?? env.LIVEKIT_INFERENCE_API_SECRET ?? env.LIVEKIT_API_SECRET;
    if (!apiKey) throw new MissingAPIKeyError(`${path} (inference)`, 'apiKey', 'LIVEKIT_API_KEY');
    if (!apiSecret) throw new MissingAPIKeyError(`${path} (inference)`, 'apiSecret', 'LIVEKIT_API_SECRET');
    const baseURL = options.baseURL ?? env.LIVEKIT_INFERENCE_URL;
    return new GuardedInferenceSTT(
      {
        model: options.model,
        apiKey,
        apiSecret,
        ...(baseURL && { baseURL }),
        ...(options.language && { language: options.language }),
        ...(options.fallback?.length && { fallback: options.fallback }),
        ...(options.modelOptions && { modelOptions: options.modelOptions }),
      },
      context.logger,
    );
  },
  // Opens the gateway's STT WebSocket with a signed token, then closes it: proves key, secret and reachability.
  health: (options, context) => {
    const { env } = context;
    const apiKey = options.apiKey ?? env.LIVEKIT_INFERENCE_API_KEY ?? env.LIVEKIT_API_KEY;
    const apiSecret = options.apiSecret ?? env.LIVEKIT_INFERENCE_API_SECRET ?? env.LIVEKIT_API_SECRET;
    if (!apiKey || !apiSecret) return Promise.resolve({ ok: false, error: 'no LiveKit API key or secret (set LIVEKIT_API_KEY and LIVEKIT_API_SECRET)' });
    const base = (options.baseURL ?? env.LIVEKIT_INFERENCE_URL ?? DEFAULT_INFERENCE_URL).replace(/^http/, 'ws').replace(/\/+$/, '');
    const model = inference.parseSTTModelString(options.model)[0];
    return probeWebSocket(`${base}/stt?model=${encodeURIComponent(model)}`, { authorization: `Bearer ${inferenceToken(apiKey, apiSecret)}` }, context);
  },
});

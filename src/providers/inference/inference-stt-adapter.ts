import { inference } from '@livekit/agents';
import { inferenceSTTOptions } from './inference-stt-options.js';
import { defineAdapter } from '../define-adapter.js';
import { probeInference, requireInferenceCredentials } from './inference-credentials.js';
import { GuardedInferenceSTT } from './guarded-inference-stt.js';
import { probeWebSocket } from '../probe-websocket.js';

/**
 * `{ provider: 'inference' }`: LiveKit Inference STT over one WebSocket, signed with a short-lived token from the
 * LiveKit key and secret, with the gateway's own server-side `fallback` models. Frames the client cannot handle are
 * dropped instead of crashing the process (see {@link GuardedInferenceSTT}).
 */
export const inferenceSTTAdapter = defineAdapter({
  modality: 'stt',
  provider: 'inference',
  options: inferenceSTTOptions,
  // Without the `:lang` suffix, as LiveKit reports it.
  model: (options) => inference.parseSTTModelString(options.model)[0],
  create: (options, context) => {
    const { apiKey, apiSecret, baseURL } = requireInferenceCredentials(options, context);
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
    const model = inference.parseSTTModelString(options.model)[0];
    return probeInference(
      options,
      context,
      `/stt?model=${encodeURIComponent(model)}`,
      (url, authorization) => probeWebSocket(url, { authorization }, context),
      {
        websocket: true,
      },
    );
  },
});

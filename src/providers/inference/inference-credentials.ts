import { AccessToken } from 'livekit-server-sdk';
import { MissingAPIKeyError } from '../../errors/index.js';
import type { AdapterContext, ProbeResult } from '../define-adapter.js';

/** LiveKit Inference's gateway, unless the entry or `LIVEKIT_INFERENCE_URL` says otherwise. */
const DEFAULT_INFERENCE_URL = 'https://agent-gateway.livekit.cloud/v1';

/** What every `inference` entry (STT, LLM, TTS) may set. */
export interface InferenceEntry {
  apiKey?: string | undefined;
  apiSecret?: string | undefined;
  baseURL?: string | undefined;
}

/** An Inference entry's key, secret and gateway: the entry's own, else the environment's (as LiveKit reads them). */
export function inferenceCredentials(options: InferenceEntry, env: AdapterContext['env']) {
  return {
    apiKey: options.apiKey ?? env.LIVEKIT_INFERENCE_API_KEY ?? env.LIVEKIT_API_KEY,
    apiSecret: options.apiSecret ?? env.LIVEKIT_INFERENCE_API_SECRET ?? env.LIVEKIT_API_SECRET,
    /** `undefined` lets LiveKit pick its default (which also follows `LIVEKIT_URL` to staging). */
    baseURL: options.baseURL ?? env.LIVEKIT_INFERENCE_URL,
  };
}

/** Like {@link inferenceCredentials}, but a missing key or secret is a {@link MissingAPIKeyError} naming the variable. */
export function requireInferenceCredentials(options: InferenceEntry, context: Pick<AdapterContext, 'env' | 'path'>) {
  const credentials = inferenceCredentials(options, context.env);
  if (!credentials.apiKey) throw new MissingAPIKeyError(`${context.path} (inference)`, 'apiKey', 'LIVEKIT_API_KEY');
  if (!credentials.apiSecret) throw new MissingAPIKeyError(`${context.path} (inference)`, 'apiSecret', 'LIVEKIT_API_SECRET');
  return { ...credentials, apiKey: credentials.apiKey, apiSecret: credentials.apiSecret };
}

/**
 * Probes an Inference endpoint with a freshly signed token: `probe(url, authorization)` gets the gateway URL joined
 * with `path` (`ws:` for WebSocket paths). Without credentials it fails with the variables to set.
 */
export async function probeInference(
  options: InferenceEntry,
  context: Pick<AdapterContext, 'env'>,
  path: string,
  probe: (url: string, authorization: string) => Promise<ProbeResult>,
  { websocket = false } = {},
): Promise<ProbeResult> {
  const { apiKey, apiSecret, baseURL } = inferenceCredentials(options, context.env);
  if (!apiKey || !apiSecret) return { ok: false, error: 'no LiveKit API key or secret (set LIVEKIT_API_KEY and LIVEKIT_API_SECRET)' };
  let base = (baseURL ?? DEFAULT_INFERENCE_URL).replace(/\/+$/, '');
  if (websocket) base = base.replace(/^http/, 'ws');
  return probe(`${base}${path}`, `Bearer ${await inferenceToken(apiKey, apiSecret)}`);
}

/**
 * The token LiveKit Inference accepts, built as `inference.LLM`/`STT`/`TTS` build theirs (agents 1.9
 * `inference/utils.ts` `createAccessToken`, not exported): livekit-server-sdk's `AccessToken` for identity `agent`
 * with the inference grant, signed HS256 with the secret, valid for `ttlSeconds`.
 */
export async function inferenceToken(apiKey: string, apiSecret: string, ttlSeconds = 600): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, { identity: 'agent', ttl: ttlSeconds });
  token.addInferenceGrant({ perform: true });
  return token.toJwt();
}

/**
 * Whose error format a mock speaks. Each provider documents its own error body; the mocks answer a scripted failure
 * in that shape, so a test sees what the plugin really gets.
 */
export type ErrorDialect = 'openai' | 'openrouter' | 'elevenlabs' | 'cartesia' | 'deepgram' | 'inference';

/** What a scripted failure says: the status, the provider's code (its default for the status when unset) and message. */
export interface ScriptedError {
  status: number;
  /**
   * The provider's machine-readable code. LiveKit Inference's quota code takes its category after a colon:
   * `inference_quota_exceeded:MaxGatewayCredits` (credits spent) or `inference_quota_exceeded:MaxConcurrentGatewayTTSRpm`
   * (a per-minute limit). @default the provider's code for the status
   */
  code?: string | undefined;
  message?: string | undefined;
}

/**
 * The JSON error body a provider sends for a status, as its documentation describes it:
 * - OpenAI (API reference, "Error codes"): `{ error: { message, type, param, code } }`; a 429 is `rate_limit_exceeded`
 *   (type `requests`) or, for an exhausted quota, `insufficient_quota` (type and code).
 * - OpenRouter ("Errors"): `{ error: { code: <the HTTP status>, message, metadata? } }`.
 * - ElevenLabs (help center, "API Error Code 400 or 401" and "… 429"): `{ detail: { status, message } }`, e.g. 401
 *   `invalid_api_key` or `quota_exceeded`, 429 `too_many_concurrent_requests` or `system_busy`.
 * - Cartesia ("API errors"): `{ error_code, title, message, request_id }`, e.g. 429 `concurrency_limited`.
 * - Deepgram ("Errors"): `{ err_code, err_msg, request_id }`, e.g. 401 `INVALID_AUTH`.
 * - LiveKit Inference gateway (livekit/agents `inference/_exceptions.py`, `InferenceQuotaExceededError`): a 429
 *   quota body `{ type: "inference_quota_exceeded", error, hint, quota_type, category, remaining_limit, free_tier,
 *   documentation_url }`; other errors `{ error }`.
 */
export function providerErrorBody(dialect: ErrorDialect, error: ScriptedError): Record<string, unknown> {
  const code = error.code ?? DEFAULT_CODES[dialect](error.status);
  const message = error.message ?? `Mock error ${error.status}`;
  switch (dialect) {
    case 'openai':
      return { error: { message, type: OPENAI_TYPES[code] ?? code, param: null, code } };
    case 'openrouter':
      return { error: { code: error.status, message, ...(code !== String(error.status) && { metadata: { reason: code } }) } };
    case 'elevenlabs':
      return { detail: { status: code, message } };
    case 'cartesia':
      return { error_code: code, title: TITLES[error.status] ?? 'Error', message, request_id: MOCK_REQUEST_ID };
    case 'deepgram':
      return { err_code: code, err_msg: message, request_id: MOCK_REQUEST_ID };
    case 'inference': {
      const [type, category = 'MaxGatewayCredits'] = code.split(':');
      if (type !== 'inference_quota_exceeded') return { error: message };
      const text = error.message ?? `TTS quota exceeded, category: ${category}, remaining_limit: 0`;
      return {
        type,
        error: text,
        hint: 'Wait for the next billing cycle or upgrade your plan.',
        quota_type: 'tts',
        category,
        remaining_limit: '0',
        free_tier: 'false',
        documentation_url: 'https://livekit.io/pricing',
      };
    }
  }
}

const MOCK_REQUEST_ID = '00000000-0000-4000-8000-000000000000';

const DEFAULT_CODES: Record<ErrorDialect, (status: number) => string> = {
  openai: (status) =>
    ({
      400: 'invalid_request_error',
      401: 'invalid_api_key',
      403: 'permission_denied',
      404: 'model_not_found',
      429: 'rate_limit_exceeded',
    })[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
  openrouter: (status) => String(status),
  elevenlabs: (status) =>
    ({ 400: 'invalid_request', 401: 'invalid_api_key', 404: 'voice_not_found', 429: 'too_many_concurrent_requests' })[status] ??
    (status >= 500 ? 'internal_error' : 'invalid_request'),
  cartesia: (status) =>
    ({ 400: 'invalid_request', 401: 'unauthorized', 402: 'payment_required', 404: 'not_found', 429: 'concurrency_limited' })[status] ??
    (status >= 500 ? 'internal_error' : 'invalid_request'),
  deepgram: (status) =>
    ({ 400: 'Bad Request', 401: 'INVALID_AUTH', 402: 'ASR_PAYMENT_REQUIRED', 404: 'NOT_FOUND', 429: 'TOO_MANY_REQUESTS' })[status] ??
    (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request'),
  inference: (status) => (status === 429 ? 'rate_limited' : String(status)),
};

const OPENAI_TYPES: Record<string, string> = {
  rate_limit_exceeded: 'requests',
  invalid_api_key: 'invalid_request_error',
  model_not_found: 'invalid_request_error',
};

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  402: 'Payment required',
  404: 'Not found',
  429: 'Too many concurrent requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/**
 * OpenAI's rate-limit headers for an exhausted request window (API reference, "Rate limits"): a 429 often comes with
 * these and without `Retry-After`. `resetMs` is written the way OpenAI writes it (`6m0s`, `1.5s`, `20ms`).
 */
export function openAIRateLimitHeaders(resetMs: number): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': goDuration(resetMs),
    'x-ratelimit-limit-tokens': '30000',
    'x-ratelimit-remaining-tokens': '29000',
    'x-ratelimit-reset-tokens': '2ms',
  };
}

function goDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1_000;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

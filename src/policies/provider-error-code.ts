import type { ErrorCategory } from '../errors/index.js';
import { errorBodyFields } from '../providers/response-observer.js';

/**
 * The machine-readable codes providers put in their error bodies and in-band error messages, and what each means for
 * the chain. Sources: OpenAI error codes guide (`insufficient_quota` is a 429 that no wait heals;
 * `rate_limit_exceeded`); OpenRouter errors page (`{ error: { code, message } }`, mid-stream `server_error`);
 * ElevenLabs help "API Error Code 400 or 401" (`quota_exceeded` is a 401, `invalid_api_key`, `voice_not_found`) and
 * "API Error Code 429" (`too_many_concurrent_requests`, `system_busy`); ElevenLabs' multi-context socket sends
 * `max_active_conversations` before its 1008 close (agents-js issue 1985); Cartesia "API errors"
 * (`concurrency_limited` as an in-band 429); LiveKit Inference `inference_quota_exceeded`, whose `category` tells an
 * exhausted credit quota from a per-minute limit (livekit/agents `inference/_exceptions.py`,
 * `InferenceQuotaExceededError`); Deepgram `INVALID_AUTH`.
 */
const CODES: Record<string, ErrorCategory> = {
  insufficient_quota: 'quota',
  quota_exceeded: 'quota',
  billing_hard_limit_reached: 'quota',
  insufficient_credits: 'quota',
  payment_required: 'quota',
  rate_limit_exceeded: 'rate_limit',
  rate_limited: 'rate_limit',
  rate_limit_error: 'rate_limit',
  too_many_requests: 'rate_limit',
  too_many_concurrent_requests: 'rate_limit',
  concurrency_limited: 'rate_limit',
  max_active_conversations: 'rate_limit',
  system_busy: 'server',
  server_error: 'server',
  internal_error: 'server',
  internal_server_error: 'server',
  overloaded_error: 'server',
  service_unavailable: 'server',
  input_timeout_exceeded: 'timeout',
  invalid_api_key: 'auth',
  invalid_auth: 'auth',
  unauthorized: 'auth',
  authentication_error: 'auth',
  permission_denied: 'auth',
  model_not_found: 'not_found',
  voice_not_found: 'not_found',
  not_found_error: 'not_found',
  max_character_limit_exceeded: 'bad_request',
  invalid_request_error: 'bad_request',
  context_length_exceeded: 'bad_request',
};

/** LiveKit Inference quota categories that only the next billing cycle heals; the others are per-minute limits. */
const TERMINAL_GATEWAY_CATEGORIES = new Set(['MaxGatewayCredits', 'MaxBargeInRequests', 'MaxEotRequests']);

const CODE_IN_TEXT = new RegExp(`\\b(inference_quota_exceeded|${Object.keys(CODES).join('|')})\\b`, 'i');
const GATEWAY_CATEGORY = /\bcategory:?\s*"?(Max[A-Za-z]+)/;

/** The category a provider's error code stands for, or `undefined` for a code we do not know. */
export function categoryOfCode(code: string): ErrorCategory | undefined {
  const [name = '', gatewayCategory] = code.split(':');
  const lower = name.toLowerCase();
  if (lower === 'inference_quota_exceeded') {
    return !gatewayCategory || TERMINAL_GATEWAY_CATEGORIES.has(gatewayCategory) ? 'quota' : 'rate_limit';
  }
  return CODES[lower];
}

/**
 * The provider's error code, wherever a plugin left it: the OpenAI SDK's `code`/`type`/`error`, LiveKit's
 * `APIError.body`, a JSON body quoted in the message ("ElevenLabs API error: {…}", "Error code: 429 - {…}"), or a
 * known code named in the message. Gateway quota codes carry their category (`inference_quota_exceeded:MaxGatewayCredits`).
 */
export function providerCodeOf(links: readonly object[], messages: readonly string[]): string | undefined {
  for (const link of links) {
    const record = link as Record<string, unknown>;
    for (const candidate of [record.code, record.type, record.error_code]) {
      if (typeof candidate === 'string' && categoryOfCode(candidate)) return candidate;
    }
    for (const body of [record.body, record.error]) {
      const code = codeOfBody(body);
      if (code) return code;
    }
  }
  for (const message of messages) {
    const code = codeOfText(message);
    if (code) return code;
  }
  return undefined;
}

/** The numeric `code` of an error body that carries an HTTP status (OpenRouter's mid-stream `{ error: { code: 502 } }`). */
export function statusOfBody(links: readonly object[]): number | undefined {
  for (const link of links) {
    for (const body of [(link as { body?: unknown }).body, (link as { error?: unknown }).error]) {
      if (!body || typeof body !== 'object') continue;
      const { code, status_code: statusCode } = body as { code?: unknown; status_code?: unknown };
      const status = typeof code === 'number' ? code : typeof statusCode === 'number' ? statusCode : undefined;
      if (status !== undefined && status >= 400 && status <= 599) return status;
    }
  }
  return undefined;
}

function codeOfBody(body: unknown): string | undefined {
  if (typeof body === 'string') return codeOfText(body);
  if (!body || typeof body !== 'object' || body instanceof Error) return undefined;
  const { code } = errorBodyFields(JSON.stringify(body));
  if (code && categoryOfCode(code)) return code;
  const record = body as Record<string, unknown>;
  for (const value of [record.code, record.type, record.status, record.error_code]) {
    if (typeof value === 'string' && categoryOfCode(value)) return value;
  }
  return typeof record.message === 'string' ? codeOfText(record.message) : undefined;
}

function codeOfText(text: string): string | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) {
    const { code } = errorBodyFields(text.slice(start, end + 1));
    if (code && categoryOfCode(code)) return code;
  }
  // The gateway's `error` text names its quota category; the OpenAI SDK keeps only that text of the 429 body.
  const gatewayCategory = GATEWAY_CATEGORY.exec(text)?.[1];
  if (gatewayCategory) return `inference_quota_exceeded:${gatewayCategory}`;
  return CODE_IN_TEXT.exec(text)?.[1]?.toLowerCase();
}

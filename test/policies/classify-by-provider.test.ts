import { APIError, APIStatusError } from '@livekit/agents';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type ErrorCategory } from '../../src/index.js';
import { classifyError } from '../../src/policies/classify-error.js';
import { DEFAULT_QUOTA_COOLDOWN_MS } from '../../src/policies/classify-error.js';
import { parseRetryAfter, ResponseObserver } from '../../src/providers/response-observer.js';

// Classification by what the provider said, in the shapes the installed plugins hand over (each built the way the
// plugin builds it from the provider's documented error body or message).

const GATEWAY_QUOTA = {
  type: 'inference_quota_exceeded',
  error: 'LLM token credit quota exceeded, category: MaxGatewayCredits, remaining_limit: 0',
  hint: 'Wait for the next billing cycle or upgrade your plan.',
  quota_type: 'llm',
  category: 'MaxGatewayCredits',
  remaining_limit: '0',
};
const GATEWAY_RPM = {
  type: 'inference_quota_exceeded',
  error: 'LLM request/min rate limit exceeded, category: MaxConcurrentGatewayLLMRpm, remaining_limit: 0',
  category: 'MaxConcurrentGatewayLLMRpm',
};

/** What `inference.LLMStream` (the OpenAI plugin's base) throws for an OpenAI SDK error. */
function fromSDK(status: number | undefined, body: unknown): APIStatusError {
  // A mid-stream `data: {"error": …}` becomes `new APIError(undefined, data.error, …)` in the SDK's stream reader.
  const sdk =
    status === undefined
      ? new OpenAI.APIError(undefined, (body as { error: object }).error, undefined, new Headers())
      : OpenAI.APIError.generate(status, body as object, undefined, new Headers());
  return new APIStatusError({ message: sdk.message, options: { statusCode: sdk.status, body: sdk.error } });
}

describe('classifyError by what the provider said', () => {
  it.each<[string, unknown, string, ErrorCategory, number | undefined, string | undefined]>([
    [
      'OpenAI 429 insufficient_quota',
      fromSDK(429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }),
      'openai/gpt-4o-mini',
      'quota',
      429,
      'insufficient_quota',
    ],
    [
      'OpenAI 429 rate_limit_exceeded',
      fromSDK(429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }),
      'openai/gpt-4o-mini',
      'rate_limit',
      429,
      'rate_limit_exceeded',
    ],
    [
      'Inference gateway 429, credits exhausted',
      fromSDK(429, GATEWAY_QUOTA),
      'inference/openai/gpt-4o-mini',
      'quota',
      429,
      'inference_quota_exceeded:MaxGatewayCredits',
    ],
    [
      'Inference gateway 429, per-minute limit',
      fromSDK(429, GATEWAY_RPM),
      'inference/openai/gpt-4o-mini',
      'rate_limit',
      429,
      'inference_quota_exceeded:MaxConcurrentGatewayLLMRpm',
    ],
    [
      'OpenRouter mid-stream error after HTTP 200 (numeric code)',
      fromSDK(undefined, { error: { code: 502, message: 'Provider returned error' } }),
      'openrouter/a',
      'server',
      502,
      undefined,
    ],
    [
      'OpenRouter mid-stream error after HTTP 200 (server_error)',
      fromSDK(undefined, { error: { code: 'server_error', message: 'Provider disconnected unexpectedly' } }),
      'openrouter/a',
      'server',
      undefined,
      'server_error',
    ],
    [
      'ElevenLabs HTTP 401 quota_exceeded',
      new APIStatusError({
        message: 'ElevenLabs API error: {"detail":{"status":"quota_exceeded","message":"This request exceeds your quota of 10000."}}',
        options: { statusCode: 401 },
      }),
      'elevenlabs/eleven_flash_v2_5',
      'quota',
      401,
      'quota_exceeded',
    ],
    [
      'ElevenLabs HTTP 401 invalid_api_key',
      new APIStatusError({
        message: 'ElevenLabs API error: {"detail":{"status":"invalid_api_key","message":"Invalid API key"}}',
        options: { statusCode: 401 },
      }),
      'elevenlabs/eleven_flash_v2_5',
      'auth',
      401,
      'invalid_api_key',
    ],
    [
      'ElevenLabs socket closed with 1008 after an error message',
      new APIStatusError({ message: 'ElevenLabs websocket connection closed unexpectedly', options: { statusCode: 1008 } }),
      'elevenlabs/eleven_flash_v2_5',
      'server',
      undefined,
      undefined,
    ],
    [
      'another provider’s 1008 stays a rejected request',
      new APIStatusError({ message: 'closed', options: { statusCode: 1008 } }),
      'deepgram/nova-3',
      'bad_request',
      undefined,
      undefined,
    ],
  ])('%s', (_name, error, label, category, statusCode, code) => {
    const classified = classifyError(error, { modality: 'llm', label });
    expect(classified.category).toBe(category);
    expect(classified.statusCode).toBe(statusCode);
    expect(classified.providerCode).toBe(code);
    if (code) expect(classified.message).toContain(code.split(':')[0]);
  });

  it('cools an exhausted quota for 10 minutes unless the provider says otherwise', () => {
    const quota = fromSDK(429, { error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } });
    expect(classifyError(quota, { modality: 'llm', label: 'openai/x' }).retryAfterMs).toBe(DEFAULT_QUOTA_COOLDOWN_MS);
    expect(classifyError(fromSDK(429, GATEWAY_RPM), { modality: 'llm', label: 'inference/x' }).retryAfterMs).toBeUndefined();
  });

  it('a plugin that swallowed an in-band error: the socket observer’s record explains the next failure, once', () => {
    const responses = new ResponseObserver();
    const option = { responses, source: undefined };
    const now = Date.now();
    responses.recordInBand({ status: 429, code: 'concurrency_limited', message: 'Too many concurrent requests' }, now);
    const swallowed = new Error('the stream ended without audio (connection closed)');
    const first = classifyError(swallowed, { modality: 'tts', label: 'cartesia/sonic-2', option, now: now + 50 });
    expect(first).toMatchObject({ category: 'rate_limit', statusCode: 429, providerCode: 'concurrency_limited' });
    expect(first.message).toContain('Too many concurrent requests');
    expect(classifyError(swallowed, { modality: 'tts', label: 'cartesia/sonic-2', option, now: now + 60 }).category).toBe('connection');
    // Too old to explain a failure.
    responses.recordInBand({ status: 429 }, now);
    expect(classifyError(swallowed, { modality: 'tts', label: 'cartesia/sonic-2', option, now: now + 60_000 }).category).toBe('connection');
  });

  it('an Inference TTS error event keeps its status and code (the plugin drops them)', () => {
    const responses = new ResponseObserver();
    responses.recordInBand({ status: 429, message: JSON.stringify(GATEWAY_RPM) });
    const error = new APIError('LiveKit TTS returned error: rate limited');
    const classified = classifyError(error, {
      modality: 'tts',
      label: 'inference/cartesia/sonic-turbo',
      option: { responses, source: undefined },
    });
    expect(classified).toMatchObject({
      category: 'rate_limit',
      statusCode: 429,
      providerCode: 'inference_quota_exceeded:MaxConcurrentGatewayLLMRpm',
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads an exhausted x-ratelimit window when Retry-After is absent (OpenAI durations, OpenRouter epoch ms)', () => {
    const openai = new Headers({
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '6m0s',
      'x-ratelimit-remaining-tokens': '100',
    });
    expect(parseRetryAfter(openai, now)).toBe(360_000);
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '1.5s' }), now)).toBe(1_500);
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now + 20_000) }), now)).toBe(20_000);
    // A window that is not exhausted says nothing about this 429.
    expect(
      parseRetryAfter(new Headers({ 'x-ratelimit-remaining-requests': '4', 'x-ratelimit-reset-requests': '1s' }), now),
    ).toBeUndefined();
    expect(
      parseRetryAfter(new Headers({ 'retry-after': '3', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m' }), now),
    ).toBe(3_000);
  });
});

import { APIConnectionError, APIStatusError, APITimeoutError } from '@livekit/agents';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type ErrorCategory, ProviderError } from '../../src/index.js';
import { classifyError } from '../../src/policies/classify-error.js';
import { maskText } from '../../src/config/secrets.js';
import { ResponseObserver } from '../../src/providers/response-observer.js';

const context = { modality: 'tts' as const, label: 'openai/tts-1' };
const classify = (error: unknown) => classifyError(error, context);

describe('classifyError', () => {
  it.each<[string, unknown, ErrorCategory, number | undefined]>([
    ['LiveKit APIStatusError 429', new APIStatusError({ message: 'rate limited', options: { statusCode: 429 } }), 'rate_limit', 429],
    ['LiveKit APIStatusError 402', new APIStatusError({ options: { statusCode: 402 } }), 'quota', 402],
    ['LiveKit APIStatusError 403', new APIStatusError({ options: { statusCode: 403 } }), 'auth', 403],
    ['LiveKit APIStatusError 422', new APIStatusError({ options: { statusCode: 422 } }), 'bad_request', 422],
    ['LiveKit APIStatusError 503', new APIStatusError({ message: 'Loading model', options: { statusCode: 503 } }), 'server', 503],
    ['LiveKit APITimeoutError', new APITimeoutError({}), 'timeout', undefined],
    ['LiveKit APIConnectionError "Connection error."', new APIConnectionError({}), 'connection', undefined],
    ['LiveKit APIConnectionError "fetch failed"', new APIConnectionError({ message: 'fetch failed' }), 'connection', undefined],
    [
      'OpenAI SDK RateLimitError (OpenAI TTS)',
      OpenAI.APIError.generate(429, { error: { message: 'Rate limit' } }, 'Rate limit', new Headers()),
      'rate_limit',
      429,
    ],
    ['OpenAI SDK AuthenticationError', OpenAI.APIError.generate(401, undefined, 'bad key', new Headers()), 'auth', 401],
    ['OpenAI SDK NotFoundError', OpenAI.APIError.generate(404, undefined, 'no model', new Headers()), 'not_found', 404],
    ['OpenAI SDK InternalServerError', OpenAI.APIError.generate(500, undefined, 'oops', new Headers()), 'server', 500],
    ['OpenAI SDK APIConnectionTimeoutError', new OpenAI.APIConnectionTimeoutError(), 'timeout', undefined],
    [
      'fetch failed, caused by ECONNREFUSED',
      new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' }) }),
      'connection',
      undefined,
    ],
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'connection', undefined],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 'timeout', undefined],
    ['Deepgram "… failed: 429 …"', new Error('Deepgram connection failed: 429 Too Many Requests'), 'rate_limit', 429],
    ['ws "Unexpected server response: 401"', new Error('Unexpected server response: 401'), 'auth', 401],
    ['WebSocket close 1013 (try again later)', { code: 1013, reason: 'busy' }, 'rate_limit', undefined],
    ['WebSocket close 1011 (internal error)', { code: 1011, reason: Buffer.from('internal') }, 'server', undefined],
    ['WebSocket close 1006 (abnormal)', { code: 1006, reason: '' }, 'connection', undefined],
    ['WebSocket close 4429 (HTTP status + 4000)', { closeCode: 4429 }, 'rate_limit', undefined],
    ['WebSocket close 1008 (policy violation)', { code: 1008, reason: 'invalid input' }, 'bad_request', undefined],
    ['malformed JSON', new SyntaxError('Unexpected token < in JSON at position 0'), 'server', undefined],
    ['anything else', new Error('something odd'), 'unknown', undefined],
  ])('%s → %s', (_name, error, category, statusCode) => {
    const classified = classify(error);
    expect(classified).toBeInstanceOf(ProviderError);
    expect(classified.category).toBe(category);
    expect(classified.statusCode).toBe(statusCode);
    expect(classified.modality).toBe('tts');
    expect(classified.label).toBe('openai/tts-1');
    expect(classified.message).toMatch(/^Failed to get a TTS reply from openai\/tts-1: /);
  });

  it('reads Retry-After from an OpenAI SDK error (seconds, milliseconds or an HTTP date)', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const seconds = OpenAI.APIError.generate(429, undefined, 'x', new Headers({ 'retry-after': '12' }));
    const ms = OpenAI.APIError.generate(429, undefined, 'x', new Headers({ 'retry-after-ms': '1500' }));
    const date = OpenAI.APIError.generate(429, undefined, 'x', new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }));
    expect(classifyError(seconds, { ...context, now }).retryAfterMs).toBe(12_000);
    expect(classifyError(ms, { ...context, now }).retryAfterMs).toBe(1_500);
    expect(classifyError(date, { ...context, now }).retryAfterMs).toBe(30_000);
  });

  it('takes Retry-After from the option’s response observer when LiveKit dropped the headers', () => {
    const responses = new ResponseObserver();
    responses.record(429, new Headers({ 'retry-after': '20' }));
    const error = classifyError(new APIStatusError({ options: { statusCode: 429 } }), {
      ...context,
      option: { responses, source: undefined },
    });
    expect(error.retryAfterMs).toBe(20_000);
    // A Retry-After seen on another status does not apply.
    const other = classifyError(new APIStatusError({ options: { statusCode: 500 } }), {
      ...context,
      option: { responses, source: undefined },
    });
    expect(other.retryAfterMs).toBeUndefined();
  });

  it('auth, bad request and not found are not retryable; the rest are', () => {
    expect(classify(new APIStatusError({ options: { statusCode: 401 } })).isRetryable).toBe(false);
    expect(classify(new APIStatusError({ options: { statusCode: 400 } })).isRetryable).toBe(false);
    expect(classify(new APIStatusError({ options: { statusCode: 404 } })).isRetryable).toBe(false);
    expect(classify(new APIStatusError({ options: { statusCode: 429 } })).isRetryable).toBe(true);
    expect(classify(new APITimeoutError({})).isRetryable).toBe(true);
  });

  it('never shows a key echoed by the provider, in the message, the cause or its stack', () => {
    // Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
    const key = 'sk' + '-proj-abcdefghijklmnop0123456789';
    const error = classify(new APIStatusError({ message: `401 Incorrect API key provided: ${key}`, options: { statusCode: 401 } }));
    const cause = error.cause as Error;
    expect(`${error.message}\n${error.stack}\n${cause.message}\n${cause.stack}`).not.toContain(key.slice(0, 12));
    expect(cause.name).toBe('APIStatusError');
    expect(maskText('Authorization: Bearer abc.def.ghi')).toBe('Authorization: Bearer ••••');
    expect(maskText('model meta-llama/llama-3.3-70b-instruct:free failed')).toBe('model meta-llama/llama-3.3-70b-instruct:free failed');
  });
});

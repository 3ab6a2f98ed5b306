import { readText } from '../config/read-text.js';
import { observeProgress, responseProgressOf } from './response-progress.js';

/** What the last error response (or in-band error message) of one option said. */
export interface ObservedResponse {
  /** HTTP status, or the HTTP-like `status_code` of an in-band error message. */
  status: number | undefined;
  /** From `retry-after-ms`, `Retry-After` (seconds or an HTTP date) or an exhausted `x-ratelimit-*` window, in ms. */
  retryAfterMs: number | undefined;
  /** The provider's machine-readable error code from the body (`insufficient_quota`, `concurrency_limited` …). */
  code?: string | undefined;
  /** The provider's human-readable message from the body. */
  message?: string | undefined;
  /** Seen on an open socket (an error message the plugin may have swallowed), not as an HTTP response. */
  inBand?: boolean;
  at: number;
}

/** Error bodies longer than this are not read (providers' error bodies are a few hundred bytes). */
const MAX_ERROR_BODY = 8_192;

/**
 * A `fetch` for one provider option that remembers the status, `Retry-After` and error code of each error response.
 * LiveKit's `APIStatusError` drops response headers (and the OpenAI SDK keeps only the body's `error` member), so
 * this is where the chain learns how long a 429 asked it to wait and whether it was a rate limit or an exhausted
 * quota. Socket observers ({@link observePooledSockets}) record in-band errors here too. It looks
 * `globalThis.fetch` up at call time, so clients built before msw starts are still intercepted.
 */
export class ResponseObserver {
  last: ObservedResponse | undefined;
  readonly fetch: typeof fetch;

  constructor(transformRequest?: (init: RequestInit | undefined) => RequestInit | undefined) {
    this.fetch = async (input, init) => {
      const progress = responseProgressOf(init);
      const response = await globalThis.fetch(input, transformRequest ? transformRequest(init) : init);
      this.record(response.status, response.headers);
      if (response.status >= 400) this.#readErrorBody(response);
      return progress ? observeProgress(response, progress) : response;
    };
  }

  record(status: number, headers: Headers, now = Date.now()): void {
    if (status < 400) return;
    this.last = { status, retryAfterMs: parseRetryAfter(headers, now), at: now };
  }

  /** An error the provider reported on an open connection (a WebSocket error message, an SSE `error` event). */
  recordInBand(error: { status?: number | undefined; code?: string | undefined; message?: string | undefined }, now = Date.now()): void {
    this.last = { status: error.status, retryAfterMs: undefined, code: error.code, message: error.message, inBand: true, at: now };
  }

  /** The `Retry-After` of an error response seen within `withinMs`, if any. */
  recentRetryAfterMs(withinMs = 5_000, now = Date.now()): number | undefined {
    const last = this.last;
    return last && now - last.at <= withinMs ? last.retryAfterMs : undefined;
  }

  /**
   * Reads the error body from a clone (the SDK reads the original), at most {@link MAX_ERROR_BODY} of it (a body
   * without a length may be endless), and adds its code to the record.
   */
  #readErrorBody(response: Response): void {
    const entry = this.last;
    if (!entry || Number(response.headers.get('content-length') ?? 0) > MAX_ERROR_BODY) return;
    readText(response.clone(), MAX_ERROR_BODY)
      .then((text) => {
        const said = errorBodyFields(text);
        if (this.last === entry) Object.assign(entry, said);
      })
      .catch(() => undefined);
  }
}

/**
 * The code and message of a provider's JSON error body, whatever its shape: OpenAI and OpenRouter
 * `{ error: { type, code, message } }`, ElevenLabs `{ detail: { status, message } }`, Cartesia
 * `{ error_code, title, message }`, LiveKit Inference `{ type: "inference_quota_exceeded", error, category }`,
 * Deepgram `{ err_code, err_msg }`.
 */
export function errorBodyFields(text: string): { code?: string; message?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (!body || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const nested = [record.error, record.detail].find((value) => value && typeof value === 'object') as Record<string, unknown> | undefined;
  const str = (...values: unknown[]) => values.find((value): value is string => typeof value === 'string' && value.length > 0);
  const code = str(nested?.code, nested?.type, nested?.status, record.error_code, record.code, record.err_code, record.type);
  const message = str(nested?.message, record.message, typeof record.error === 'string' ? record.error : undefined, record.err_msg);
  const category = str(record.category);
  return {
    ...(code !== undefined && { code: category && code === 'inference_quota_exceeded' ? `${code}:${category}` : code }),
    ...(message !== undefined && { message }),
  };
}

/**
 * How long a response asks the client to wait, in ms: `retry-after-ms` (OpenAI), `Retry-After` in seconds or as an
 * HTTP date, or else the reset of an exhausted `x-ratelimit-*` window (OpenAI sends `x-ratelimit-remaining-requests: 0`
 * with `x-ratelimit-reset-requests: 6m0s`, often without `Retry-After`; OpenRouter `X-RateLimit-Remaining: 0` with
 * `X-RateLimit-Reset` in epoch ms).
 */
export function parseRetryAfter(headers: Pick<Headers, 'get'>, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (value) {
    if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return rateLimitResetMs(headers, now);
}

/** The reset of the first exhausted `x-ratelimit-*` window, in ms. */
function rateLimitResetMs(headers: Pick<Headers, 'get'>, now: number): number | undefined {
  const resets: number[] = [];
  for (const suffix of ['-requests', '-tokens', '']) {
    if (headers.get(`x-ratelimit-remaining${suffix}`)?.trim() !== '0') continue;
    const reset = headers.get(`x-ratelimit-reset${suffix}`)?.trim();
    const parsed = reset ? parseReset(reset, now) : undefined;
    if (parsed !== undefined) resets.push(parsed);
  }
  return resets.length > 0 ? Math.max(...resets) : undefined;
}

/** `6m0s`, `1.5s`, `20ms`, `1h2m` (OpenAI), or an epoch timestamp in ms or s (OpenRouter), as ms from now. */
function parseReset(value: string, now: number): number | undefined {
  if (/^\d{12,}$/.test(value)) return Math.max(0, Number(value) - now);
  if (/^\d{9,11}$/.test(value)) return Math.max(0, Number(value) * 1000 - now);
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  let total = 0;
  let matched = '';
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number.parseFloat(match[1]!) * units[match[2]!]!;
    matched += match[0];
  }
  return matched.length > 0 && matched.length === value.length ? total : undefined;
}

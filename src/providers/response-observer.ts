/** What the last HTTP response of one option said about rate limits. */
export interface ObservedResponse {
  status: number;
  /** From `retry-after-ms` or `Retry-After` (seconds or an HTTP date), in ms. */
  retryAfterMs: number | undefined;
  at: number;
}

/**
 * A `fetch` for one provider option that remembers the status and `Retry-After` of each response. LiveKit's
 * `APIStatusError` drops response headers, so this is where the chain learns how long a 429 asked it to wait.
 * It looks `globalThis.fetch` up at call time, so clients built before msw starts are still intercepted.
 */
export class ResponseObserver {
  last: ObservedResponse | undefined;
  readonly fetch: typeof fetch;

  constructor(transformRequest?: (init: RequestInit | undefined) => RequestInit | undefined) {
    this.fetch = async (input, init) => {
      const response = await globalThis.fetch(input, transformRequest ? transformRequest(init) : init);
      this.record(response.status, response.headers);
      return response;
    };
  }

  record(status: number, headers: Headers, now = Date.now()): void {
    if (status < 400) return;
    this.last = { status, retryAfterMs: parseRetryAfter(headers, now), at: now };
  }

  /** The `Retry-After` of an error response seen within `withinMs`, if any. */
  recentRetryAfterMs(withinMs = 5_000, now = Date.now()): number | undefined {
    const last = this.last;
    return last && now - last.at <= withinMs ? last.retryAfterMs : undefined;
  }
}

/** Reads `retry-after-ms` (OpenAI) or `Retry-After` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Pick<Headers, 'get'>, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

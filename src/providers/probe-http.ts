import type { AdapterContext, ProbeResult } from './define-adapter.js';
import { discardBody } from '../config/discard-body.js';
import { readText } from '../config/read-text.js';

/**
 * One HTTP request for a health probe, through `context.fetch` (so test mocks and Retry-After recording apply) and
 * `context.signal` (the probe's timeout). A 2xx is healthy; otherwise the error names the status and the provider's
 * own message, which `stack.health()` scrubs of secrets before reporting it.
 */
export async function probeHTTP(url: string, init: RequestInit, context: Pick<AdapterContext, 'fetch' | 'signal'>): Promise<ProbeResult> {
  let response: Response;
  try {
    response = await context.fetch(url, { ...init, ...(context.signal && { signal: context.signal }) });
  } catch (error) {
    return { ok: false, error: describeFetchError(error) };
  }
  if (response.ok) {
    discardBody(response);
    return { ok: true };
  }
  return { ok: false, error: `HTTP ${response.status}${await errorDetail(response)}` };
}

/**
 * A 1-token chat completion against an OpenAI-format endpoint: proves the key, the model and the server at once.
 * OpenAI's newer models reject `max_tokens`, other servers may not know `max_completion_tokens`: pick with `tokenField`.
 */
export function probeChatCompletion(
  endpoint: {
    baseURL: string;
    model: string;
    apiKey?: string | undefined;
    headers?: Record<string, string> | undefined;
    tokenField?: 'max_tokens' | 'max_completion_tokens';
  },
  context: Pick<AdapterContext, 'fetch' | 'signal'>,
): Promise<ProbeResult> {
  const url = `${endpoint.baseURL.replace(/\/+$/, '')}/chat/completions`;
  const body = {
    model: endpoint.model,
    messages: [{ role: 'user', content: 'ping' }],
    [endpoint.tokenField ?? 'max_tokens']: 1,
    stream: false,
  };
  return probeHTTP(
    url,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...endpoint.headers,
        ...(endpoint.apiKey && { authorization: `Bearer ${endpoint.apiKey}` }),
      },
      body: JSON.stringify(body),
    },
    context,
  );
}

/** Bytes of a refused probe's body that are read (the rest is never downloaded): enough for a provider's message. */
export const PROBE_ERROR_BODY_BYTES = 4_096;

async function errorDetail(response: Response): Promise<string> {
  const message = providerMessage(await readText(response, PROBE_ERROR_BODY_BYTES));
  return message ? `: ${message}` : '';
}

/**
 * The provider's own words in an error body, on one line (at most 160 characters): `error.message`, `error` (a string),
 * `message` or `detail` (FastAPI servers: ElevenLabs, Kokoro-FastAPI) of a JSON body, else the text itself.
 */
export function providerMessage(body: string): string {
  const text = body.trim();
  if (!text) return '';
  let message: unknown = text;
  try {
    const json = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      message?: unknown;
      detail?: { message?: unknown } | string;
    };
    message =
      (typeof json.error === 'object' ? json.error?.message : json.error) ??
      json.message ??
      (typeof json.detail === 'object' ? json.detail?.message : json.detail) ??
      text;
  } catch {
    // not JSON: keep the text
  }
  return String(message).replace(/\s+/g, ' ').slice(0, 160);
}

/** Why a `fetch` failed, in a few words: `timed out`, `connection refused`, `host not found`, `connection reset` … */
export function describeFetchError(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timed out';
  const code = err?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return err?.cause?.message ?? err?.message ?? String(error);
}

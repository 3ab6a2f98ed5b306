import { maskText, secretValuesOf } from '../config/secrets.js';
import { type ErrorCategory, type Modality, ProviderError } from '../errors/index.js';
import type { ProviderOption } from '../providers/provider-option.js';
import { parseRetryAfter } from '../providers/response-observer.js';
import { categoryOfCode, providerCodeOf, statusOfBody } from './provider-error-code.js';

/** What the classifier knows about where an error came from. */
interface ClassifyContext {
  modality: Modality;
  /** `provider/model` of the option that failed. */
  label: string;
  /** The option, for the `Retry-After` its transport saw and the keys to keep out of messages. */
  option?: Pick<ProviderOption, 'responses' | 'source'> | undefined;
  now?: number;
}

/**
 * Maps any provider failure to a {@link ProviderError} with a {@link ErrorCategory}, whatever its shape:
 * LiveKit's `APIError` family (`APIStatusError.statusCode`, `APITimeoutError`, `APIConnectionError`), OpenAI SDK
 * errors (`.status`, `.headers`), Node network errors (`ECONNREFUSED`, `ECONNRESET`, `fetch failed`), WebSocket
 * closes (`{ code, reason }`, "Unexpected server response: 429") and plain errors with a status in their message
 * ("… failed: 429 …"). The message never holds a key: known keys and key-shaped tokens are masked.
 */
export function classifyError(error: unknown, context: ClassifyContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const now = context.now ?? Date.now();
  const links = chain(error);
  const said = whatTheProviderSaid(error, links, context, now);
  const statusCode = said.status;
  const category = said.category;
  const retryAfterMs =
    category === 'rate_limit' || category === 'quota' || category === 'server'
      ? (retryAfterOf(error, statusCode, context, now) ?? (category === 'quota' ? DEFAULT_QUOTA_COOLDOWN_MS : undefined))
      : undefined;
  const secrets = knownSecrets(context.option);
  const reason = maskText(said.reason ?? reasonOf(error), secrets);
  const details = [
    statusCode !== undefined && `HTTP ${statusCode}`,
    said.code !== undefined && said.code,
    retryAfterMs !== undefined && `retry after ${Math.round(retryAfterMs)} ms`,
  ]
    .filter(Boolean)
    .join(', ');
  const message = `Failed to get a ${context.modality.toUpperCase()} reply from ${context.label}: ${DESCRIPTIONS[category]}${details ? ` (${details})` : ''}${reason ? `: ${reason}` : ''}.`;
  return new ProviderError(message, {
    category,
    modality: context.modality,
    label: context.label,
    statusCode,
    retryAfterMs,
    code: said.code,
    cause: redactedCopy(error, secrets),
  });
}

/**
 * How long an exhausted quota (`insufficient_quota`, `quota_exceeded`, `inference_quota_exceeded` for credits, 402)
 * cools its option when the provider gives no `Retry-After`, in ms: it heals with a payment or the next billing
 * cycle, not in seconds, so the chain must not knock on it every 30 s.
 */
export const DEFAULT_QUOTA_COOLDOWN_MS = 10 * 60_000;

/** An in-band error the option's transport saw counts for a failure this soon after it, in ms (and only once). */
const IN_BAND_WINDOW_MS = 10_000;

interface Said {
  status: number | undefined;
  category: ErrorCategory;
  code: string | undefined;
  /** The provider's own message, when the error only says what the plugin saw ("stream ended without audio"). */
  reason?: string | undefined;
}

/**
 * The status, code and category of a failure, by what the provider said rather than by how the plugin reported it:
 * the HTTP status (or the numeric `code` of an error body after an HTTP 200, as OpenRouter sends mid-stream), the
 * body's error code (an exhausted quota is a quota whatever its status: OpenAI sends it as a 429, ElevenLabs as a
 * 401), then the error's shape (WebSocket close codes, network errors). A failure the plugin reports without any of
 * these (Cartesia ends a synthesis quietly after an in-band 429) takes the in-band error the option's socket
 * observer recorded just before.
 */
function whatTheProviderSaid(error: unknown, links: object[], context: ClassifyContext, now: number): Said {
  const messages = links.map(messageOf);
  const status = statusOf(error) ?? statusOfBody(links);
  const code = providerCodeOf(links, messages) ?? observedCode(context, status, now);
  const codeCategory = code !== undefined ? categoryOfCode(code) : undefined;
  if (status !== undefined) {
    const byStatus = categoryOfStatus(status);
    return { status, code, category: codeCategory === 'quota' || byStatus === 'unknown' ? (codeCategory ?? byStatus) : byStatus };
  }
  const shape = categoryOfShape(error, context.label);
  const inBand = codeCategory || ['unknown', 'connection', 'server'].includes(shape) ? takeInBandError(context, now) : undefined;
  if (codeCategory) return { status: inBand?.status, code, category: codeCategory };
  return inBand ?? { status, code, category: shape };
}

/** The code of the error body the option's `fetch` read for this status (the SDK keeps only part of a body). */
function observedCode(context: ClassifyContext, status: number | undefined, now: number): string | undefined {
  const last = context.option?.responses.last;
  if (!last || last.inBand || status === undefined || last.status !== status || now - last.at > IN_BAND_WINDOW_MS) return undefined;
  return last.code !== undefined && categoryOfCode(last.code) ? last.code : undefined;
}

/** The in-band error the option's transport recorded for this failure, consumed so that it explains one failure only. */
function takeInBandError(context: ClassifyContext, now: number): Said | undefined {
  const responses = context.option?.responses;
  const last = responses?.last;
  if (!responses || !last?.inBand || now - last.at > IN_BAND_WINDOW_MS) return undefined;
  responses.last = undefined;
  const code = last.code ?? (last.message !== undefined ? providerCodeOf([], [last.message]) : undefined);
  const codeCategory = code !== undefined ? categoryOfCode(code) : undefined;
  const byStatus = last.status !== undefined ? categoryOfStatus(last.status) : undefined;
  const category = codeCategory === 'quota' ? codeCategory : (byStatus ?? codeCategory);
  if (!category) return undefined;
  return {
    status: last.status,
    code,
    category,
    reason: last.message !== undefined ? `the provider said "${last.message}"` : undefined,
  };
}

/**
 * The cause, with its message and stack masked: `console.log(error)` prints the cause chain, and providers echo keys
 * in error bodies ("Incorrect API key provided: sk-…"). Name, status and code survive for debugging.
 */
function redactedCopy(error: unknown, secrets: readonly string[]): Error {
  const source = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const copy = new Error(maskText(messageOf(error) || String(error), secrets));
  copy.name = typeof source.name === 'string' ? source.name : 'Error';
  copy.stack = maskText(typeof source.stack === 'string' ? source.stack : (copy.stack ?? ''), secrets);
  for (const key of ['status', 'statusCode', 'code', 'closeCode']) {
    if (typeof source[key] === 'number' || typeof source[key] === 'string') Object.assign(copy, { [key]: source[key] });
  }
  return copy;
}

const DESCRIPTIONS: Record<ErrorCategory, string> = {
  rate_limit: 'rate limited',
  quota: 'out of quota',
  auth: 'authentication failed',
  not_found: 'model or endpoint not found',
  bad_request: 'request rejected',
  server: 'server error',
  timeout: 'timed out before the first token',
  stall: 'stalled mid-stream',
  connection: 'connection failed',
  unknown: 'unexpected error',
};

/** The category of an HTTP status (also used for WebSocket upgrade responses). */
function categoryOfStatus(status: number): ErrorCategory {
  if (status === 429) return 'rate_limit';
  if (status === 402) return 'quota';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 400 || status === 409 || status === 413 || status === 422) return 'bad_request';
  if (status >= 500 && status <= 599) return 'server';
  if (status >= 400 && status <= 499) return 'bad_request';
  return 'unknown';
}

/**
 * WebSocket close codes: 1013 (try again later) is a rate limit, 1011/1012/1014 server errors, 1008/1009/1003
 * rejected input (but ElevenLabs' 1008, see below), 1001/1005/1006 a dropped connection; 4400–4599 carry an HTTP
 * status (4000 + status), as some providers use.
 */
function categoryOfCloseCode(code: number, provider?: string): ErrorCategory {
  if (code >= 4400 && code <= 4599) return categoryOfStatus(code - 4000);
  // ElevenLabs closes with 1008 after any error message: transient ones ("We are sorry, something went wrong"),
  // too many contexts, input timeouts and quota alike (agents-js issue 1985; pipecat issues 1426, 4114). The message
  // says which, the close code does not: a transient failure, not a request that will never work.
  if (code === 1008 && provider === 'elevenlabs') return 'server';
  if (code === 1013) return 'rate_limit';
  if (code === 1011 || code === 1012 || code === 1014) return 'server';
  if (code === 1003 || code === 1007 || code === 1008 || code === 1009) return 'bad_request';
  if (code === 1001 || code === 1005 || code === 1006) return 'connection';
  return 'unknown';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function statusOf(error: unknown): number | undefined {
  for (const candidate of chain(error)) {
    const record = candidate as Record<string, unknown>;
    for (const key of ['statusCode', 'status']) {
      const value = record[key];
      if (typeof value === 'number' && value >= 400 && value <= 599) return value;
    }
  }
  const message = messageOf(error);
  const match =
    /unexpected server response:?\s*(\d{3})/i.exec(message) ??
    /^(\d{3})\s/.exec(message) ??
    /(?:status(?:\s*code)?|http(?:\/[\d.]+)?|failed|error|response)\s*[:=(]?\s*(\d{3})\b/i.exec(message);
  const status = match ? Number(match[1]) : undefined;
  return status !== undefined && status >= 400 && status <= 599 ? status : undefined;
}

function categoryOfShape(error: unknown, label = ''): ErrorCategory {
  const links = chain(error);
  for (const candidate of links) {
    const record = candidate as Record<string, unknown>;
    const name = typeof record.name === 'string' ? record.name : '';
    const code = record.code;
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return 'timeout';
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'connection';
    if (name === 'APITimeoutError' || name === 'APIConnectionTimeoutError' || name === 'TimeoutError') return 'timeout';
    // LiveKit's Inference STT reports an unexpected close as an APIStatusError whose statusCode is the close code.
    const statusCode =
      typeof record.statusCode === 'number' && record.statusCode >= 1000 && record.statusCode <= 4999 ? record.statusCode : undefined;
    const closeCode =
      typeof record.closeCode === 'number'
        ? record.closeCode
        : typeof code === 'number' && code >= 1000 && code <= 4999
          ? code
          : statusCode;
    if (closeCode !== undefined) {
      const category = categoryOfCloseCode(closeCode, providerOf(label));
      if (category !== 'unknown') return category;
    }
  }
  const message = links.map(messageOf).join(' ');
  if (/timed? ?out|timeout/i.test(message)) return 'timeout';
  if (
    /could not parse|unexpected token|unexpected end of json|invalid json|in json at position|unterminated string|malformed/i.test(message)
  )
    return 'server';
  if (
    /econnrefused|econnreset|socket hang up|fetch failed|failed to fetch|connection (error|reset|refused|closed)|network|terminated|other side closed|websocket (closed|error)/i.test(
      message,
    )
  ) {
    return 'connection';
  }
  if (links.some((candidate) => (candidate as { name?: unknown }).name === 'APIConnectionError')) return 'connection';
  return 'unknown';
}

function retryAfterOf(error: unknown, status: number | undefined, context: ClassifyContext, now: number): number | undefined {
  for (const candidate of chain(error)) {
    const headers = (candidate as { headers?: unknown }).headers;
    if (headers && typeof (headers as Headers).get === 'function') {
      const value = parseRetryAfter(headers as Headers, now);
      if (value !== undefined) return value;
    } else if (headers && typeof headers === 'object') {
      const value = parseRetryAfter(new Headers(headers as Record<string, string>), now);
      if (value !== undefined) return value;
    }
  }
  // LiveKit's APIStatusError drops headers: the option's fetch wrapper saw them.
  const last = context.option?.responses.last;
  if (last && (status === undefined || last.status === status) && now - last.at <= 10_000) return last.retryAfterMs;
  return undefined;
}

/** `elevenlabs` of `elevenlabs/eleven_flash_v2_5`. */
function providerOf(label: string): string {
  return label.split('/')[0] ?? '';
}

/** The error, its `cause`s and `originalError`s (LiveKit and p-retry wrap), at most a few levels deep. */
function chain(error: unknown): object[] {
  const links: object[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && links.length < 5 && !links.includes(current)) {
    links.push(current);
    const record = current as { cause?: unknown; originalError?: unknown; error?: unknown };
    current = record.cause ?? record.originalError ?? (record.error instanceof Error ? record.error : undefined);
  }
  return links;
}

function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const { message, reason } = error as { message?: unknown; reason?: unknown };
    if (typeof message === 'string' && message) return message;
    if (typeof reason === 'string') return reason;
    if (reason instanceof Uint8Array) return Buffer.from(reason).toString('utf8');
  }
  return '';
}

function reasonOf(error: unknown): string {
  const message = messageOf(error).replace(/\s+/g, ' ').trim();
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}

const secretsCache = new WeakMap<object, string[]>();

/** The key values an option was built with (config or env), to mask if a provider echoes them. */
function knownSecrets(option: ClassifyContext['option']): string[] {
  const source = option?.source;
  if (!source) return [];
  const cached = secretsCache.get(source);
  if (cached) return cached;
  const list = secretValuesOf(source.options, source.context.env);
  secretsCache.set(source, list);
  return list;
}

/**
 * The one place that decides what is a secret and how it is hidden. Every printed config, log line, health report,
 * CLI output and error message goes through {@link maskSecrets} (values) or {@link maskText} (free text).
 */

/** What is hidden, wherever it is hidden. */
const MASK = '••••';

// Names whose values are never printed: `apiKey`, `api_key`, `api-key`, `x-api-key`, `xi-api-key`, `LIVEKIT_API_SECRET`,
// `secrets`, `*_TOKEN`, `password`, `Authorization`, `signature`/`sig`. Not `maxTokens` (a count) nor `keyterms`.
const SECRET_NAME =
  /(?:^|[-_.]|api|access|private|secret|subscription|session|auth)keys?$|secrets?$|token$|passw(?:or)?d$|authorization$|credentials?$|signature$|(?:^|[-_.])sig$|cookie$/i;
// `accessKey`, `privateKey`: a camelCase name ending in Key.
const CAMEL_KEY = /[a-z0-9]Keys?$/;
// An error code that names a key's problem (`invalid_api_key: Incorrect API key provided`, `missing-token`,
// `expired_session_key`): what follows it is prose, not the key.
const PROBLEM_CODE = /^(?:invalid|incorrect|missing|wrong|expired|revoked|bad|unknown|no|empty|malformed|mismatched)[-_.]/i;

/** True for a field, header, variable or query parameter name whose value is a secret. */
export function isSecretKey(key: string | number | symbol): boolean {
  return typeof key === 'string' && !PROBLEM_CODE.test(key) && (SECRET_NAME.test(key) || CAMEL_KEY.test(key));
}

/**
 * A key pasted into the wrong field: `sk-…`-style prefixes, or a long token of letters, digits, `-` and `_`
 * (URLs, model ids and phrases have `:`, `/`, `.` or spaces, so they still show).
 */
export function looksLikeSecret(value: string): boolean {
  return /^(sk|pk|rk|lk|xi|key|tok)[-_]/i.test(value) || (value.length >= 24 && /^[A-Za-z0-9_-]+$/.test(value));
}

/** Shows only the last 4 characters (`••••wxyz`) of a long value, and nothing of a short one. */
function maskSecret(value: unknown): string {
  if (typeof value !== 'string' || value.length < 12) return MASK;
  return `${MASK}${value.slice(-4)}`;
}

// `scheme://user:pass@` or `scheme://key@`: everything before the `@` is a credential.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// `?key=…`, `&X-Amz-Signature=…`: the parameter's name decides.
const QUERY_PARAMETER = /([?&;])([^=&#\s"'<>]+)=([^&#\s"'<>]*)/g;
// `x-api-key: …`, `"apiKey":"…"`, `token=…`, `Authorization: Bearer …`: a secret name, a separator, the value.
// Not a config path (`llm[0].apiKey: expected a string`): the name must not follow `.`, `]` or a word character.
const NAMED_VALUE = /(?<![\w.\]-])([A-Za-z][\w-]*)(["']?\s*[:=]\s*["']?)((?:Bearer|Basic|Token)\s+)?([^\s"',;&}\])]+)/g;
const SCHEME_VALUE = /\bBearer\s+[A-Za-z0-9._~+/=-]{4,}/g;
const SHAPED_LIKE_KEY = [/\b(?:sk|pk|rk|lk|xi|key|tok)[-_][A-Za-z0-9_\-*.]{4,}/gi, /\b[A-Za-z0-9_-]{32,}\b/g];

/**
 * A URL (or any text holding URLs) with its credentials hidden: `user:pass@` and the values of key-like query
 * parameters (`key`, `api_key`, `token`, `sig`, `signature` …). Hosts, paths and other parameters still show.
 */
export function maskURLs(text: string): string {
  return text
    .replace(URL_CREDENTIALS, `$1${MASK}@`)
    .replace(QUERY_PARAMETER, (match, separator: string, name: string) =>
      isSecretKey(decodeName(name)) ? `${separator}${name}=${MASK}` : match,
    );
}

/**
 * Free text (an error message, a log line, an HTTP client's error quoting a URL) with every secret hidden: the
 * `known` values, URL credentials and key-like query parameters, `name: value` pairs whose name is secret (headers
 * such as `x-api-key`, JSON fields such as `"apiKey"`), bearer tokens, and anything shaped like a key.
 */
export function maskText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of [...known].sort((a, b) => b.length - a.length)) if (secret.length >= 4) out = out.split(secret).join(MASK);
  out = maskURLs(out)
    .replace(NAMED_VALUE, (match, name: string, separator: string, scheme: string | undefined, value: string) =>
      isSecretKey(name) && !value.includes(MASK) ? `${name}${separator}${scheme ?? ''}${MASK}` : match,
    )
    .replace(SCHEME_VALUE, `Bearer ${MASK}`);
  for (const pattern of SHAPED_LIKE_KEY) out = out.replace(pattern, MASK);
  return out;
}

/**
 * A deep copy with every secret hidden: values under secret names (`apiKey`, `x-api-key`, `secrets` …) show only
 * their last 4 characters, and strings elsewhere have URL credentials and key-like query parameters masked.
 * LiveKit instances and other class instances are shown by their label.
 */
export function maskSecrets<T>(value: T): T {
  const seen = new WeakSet<object>();
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return maskURLs(node);
    if (node === null || typeof node !== 'object') return node;
    if (seen.has(node)) return '[circular]';
    seen.add(node);
    if (Array.isArray(node)) return node.map(walk);
    const proto = Object.getPrototypeOf(node);
    if (proto !== Object.prototype && proto !== null) {
      const label = (node as { label?: unknown }).label;
      const name = typeof label === 'function' ? label.call(node) : (label ?? proto?.constructor?.name ?? 'object');
      return `[${String(name)}]`;
    }
    return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, isSecretKey(key) ? maskSecretValue(inner) : walk(inner)]));
  };
  return walk(value) as T;
}

/** Under a secret name: a string shows its last 4 characters, anything else (an object of keys) is hidden whole. */
function maskSecretValue(value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  return maskSecret(value);
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Every secret value held in `record` (config options, an env): to mask where a provider might echo one. */
export function secretValuesOf(...records: unknown[]): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, secretName: boolean) => {
    if (typeof node === 'string') {
      if ((secretName || looksLikeSecret(node)) && node.length >= 4) found.add(node);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) walk(value, secretName || isSecretKey(key));
  };
  for (const record of records) walk(record, false);
  return [...found].sort((a, b) => b.length - a.length);
}

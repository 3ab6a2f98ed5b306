/** Keys whose values are never printed: `apiKey`, `apiSecret`, `*_API_KEY`, `secrets`, tokens, passwords. */
const SECRET_KEY = /(api_?key|secret|token|password|authorization|credential)s?$/i;

export function isSecretKey(key: string | number | symbol): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key);
}

/**
 * A key pasted into the wrong field: `sk-…`-style prefixes, or a long token of letters, digits, `-` and `_`
 * (URLs, model ids and phrases have `:`, `/`, `.` or spaces, so they still show).
 */
export function looksLikeSecret(value: string): boolean {
  return /^(sk|pk|rk|lk|xi|key|tok)[-_]/i.test(value) || (value.length >= 24 && /^[A-Za-z0-9_-]+$/.test(value));
}

/** Shows only the last 4 characters (`••••wxyz`), and nothing of a short value. */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string' || value.length < 12) return '••••';
  return `••••${value.slice(-4)}`;
}

/** A deep copy with every value under a secret-looking key masked. LiveKit instances are shown by their label. */
export function maskSecrets<T>(value: T): T {
  const seen = new WeakSet<object>();
  const walk = (node: unknown): unknown => {
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
    return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, isSecretKey(key) ? maskSecret(inner) : walk(inner)]));
  };
  return walk(value) as T;
}

import { isIP } from 'node:net';
import { isSecretKey } from '../config/secrets.js';

/**
 * The warning for an entry that sends a key over plain `http://` (or `ws://`) to another machine, or `undefined`.
 * Self-hosted servers often start on http; production keys should not cross a network in the clear.
 * `options` are the entry's validated options; `envRead` the variables its adapter read (its key and base URL may
 * come from there).
 */
export function plainHTTPKeyWarning(
  options: Record<string, unknown>,
  envRead: ReadonlyMap<string, string | undefined>,
  where: string,
): string | undefined {
  const headers = typeof options.headers === 'object' && options.headers !== null ? Object.entries(options.headers) : [];
  const values = [...Object.entries(options), ...headers, ...envRead];
  const sendsKey = values.some(([name, value]) => isSecretKey(name) && typeof value === 'string' && value.length > 0);
  if (!sendsKey) return undefined;
  for (const [, value] of values) {
    const host = typeof value === 'string' ? plainRemoteHost(value) : undefined;
    if (host) {
      const scheme = String(value).slice(0, String(value).indexOf(':')).toLowerCase();
      return `${where} sends its key over plain ${scheme} to ${host}. Fix: use https:// (or wss://) for a server on another machine; plain http is only safe on this machine (localhost).`;
    }
  }
  return undefined;
}

/** The host of a plain `http:`/`ws:` URL that is not this machine, else `undefined`. */
function plainRemoteHost(value: string): string | undefined {
  if (!/^(http|ws):\/\//i.test(value)) return undefined;
  let hostname: string;
  try {
    hostname = new URL(value).hostname;
  } catch {
    return undefined;
  }
  return isLoopback(hostname) ? undefined : hostname;
}

/** `localhost`, `*.localhost`, `127.0.0.0/8`, `::1`. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '::ffff:127.0.0.1';
}

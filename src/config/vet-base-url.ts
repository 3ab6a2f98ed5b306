import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Modality } from '../errors/index.js';

/** Which record a URL came from, for a {@link VetBaseURL} hook. */
export interface OrganisationURLSource {
  orgId: string;
  modality: Modality;
  provider: string;
  /** The option that holds the URL, e.g. `baseURL`. */
  field: string;
}

/**
 * The platform's check of the URLs in an organisation's records (`createProviderResolver({ vetBaseURL })`). Return
 * `true` (or nothing) to accept, `false` or a reason to refuse; a refused record is left out of the chain.
 */
export type VetBaseURL = (url: URL, source: OrganisationURLSource) => boolean | string | void | Promise<boolean | string | void>;

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

// IPv6 forms that carry an IPv4 address in their last 32 bits: IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96),
// NAT64 (64:ff9b::/96). `new URL()` writes `[::ffff:127.0.0.1]` as `[::ffff:7f00:1]`.
const EMBEDDING = /^(?:::ffff:|::|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i;

/** True for loopback, private, link-local, carrier-grade NAT, reserved and unspecified addresses (IPv4, IPv6, IPv4 in IPv6). */
export function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const embedded = EMBEDDING.exec(host);
  if (embedded) {
    const [, dotted, high, low] = embedded;
    const ipv4 =
      dotted ?? [parseInt(high!, 16) >> 8, parseInt(high!, 16) & 255, parseInt(low!, 16) >> 8, parseInt(low!, 16) & 255].join('.');
    if (isIP(ipv4) === 4 && PRIVATE.check(ipv4, 'ipv4')) return true;
  }
  const family = isIP(host);
  return family === 4 ? PRIVATE.check(host, 'ipv4') : family === 6 ? PRIVATE.check(host, 'ipv6') : false;
}

/**
 * A ready {@link VetBaseURL}: refuses a URL whose host is, or resolves to, a private address (the worker's own
 * network: metadata services, databases, internal APIs). Checked when the record is loaded; pair it with an egress
 * firewall, since a name can resolve differently later.
 */
export async function refusePrivateAddresses(url: URL): Promise<true | string> {
  // `localhost.` is `localhost`: a name with its root dot resolves the same.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (host === '') return 'it has no host';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'it points at this machine';
  if (isIP(host)) return isPrivateAddress(host) ? `its host resolves to the private address ${host}` : true;
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return true; // not resolvable now: the request will fail on its own, and cannot reach a private address
  }
  const inside = addresses.find(isPrivateAddress);
  return inside ? `its host resolves to the private address ${inside}` : true;
}

/**
 * The URL a client will reach with `value`, or `undefined` when it is not a URL with a host. Parsed as the clients
 * parse it (WHATWG `new URL()`): leading spaces and tabs, one slash or backslashes after the scheme, decimal, octal
 * or hex IPv4 and IPv4-mapped IPv6 all name the host they reach, so a regex on the raw string cannot be trusted.
 */
export function reachedURL(value: string): URL | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.hostname === '' ? undefined : url;
}

/** Every string in `value` (nested objects and arrays too) that a client could take for a URL, with its path. */
function urlsIn(value: unknown, path: string, found: { field: string; value: string; url: URL }[] = [], depth = 0) {
  if (typeof value === 'string') {
    const url = reachedURL(value);
    if (url) found.push({ field: path, value, url });
  } else if (value !== null && typeof value === 'object' && depth < 8) {
    for (const [key, inner] of Object.entries(value)) urlsIn(inner, path ? `${path}.${key}` : key, found, depth + 1);
  }
  return found;
}

/**
 * The entries of one slot whose URLs `vet` accepts, and a message for each refused one (naming the organisation,
 * the slot and entry, the URL with its credentials masked, and the reason). Every string of an entry (nested ones too)
 * that `new URL()` parses with a host is a URL to vet, whatever its spelling: what is vetted is what a client reaches.
 */
export async function vetEntries(
  entries: readonly Record<string, unknown>[],
  where: { orgId: string; modality: Modality },
  vet: VetBaseURL,
  mask: (text: string) => string,
): Promise<{ kept: Record<string, unknown>[]; refusals: string[] }> {
  const kept: Record<string, unknown>[] = [];
  const refusals: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const provider = String(entry.provider);
    let refusal: string | undefined;
    const { provider: _provider, ...options } = entry;
    for (const { field, value, url } of urlsIn(options, '')) {
      let verdict: boolean | string | void;
      try {
        verdict = await vet(url, { ...where, provider, field });
      } catch (error) {
        verdict = (error as Error)?.message ?? String(error);
      }
      if (verdict === false || typeof verdict === 'string') {
        const reason = typeof verdict === 'string' ? `: ${verdict}` : '';
        refusal = `Failed to use ${where.modality}[${index}] (${provider}) of organisation "${where.orgId}": its \`${field}\` ${mask(url.href)}${url.href === value ? '' : ` (written ${mask(JSON.stringify(value))})`} was refused by the platform's vetBaseURL${reason}. Fix: point the record at a URL the platform accepts, or disable it.`;
        break;
      }
    }
    if (refusal) refusals.push(mask(refusal));
    else kept.push(entry);
  }
  return { kept, refusals };
}

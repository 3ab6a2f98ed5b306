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
  ['192.168.0.0', 16],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** True for loopback, private, link-local, carrier-grade NAT and unspecified addresses (IPv4, IPv6, IPv4-mapped). */
function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(host);
  return family === 4 ? PRIVATE.check(host, 'ipv4') : family === 6 ? PRIVATE.check(host, 'ipv6') : false;
}

/**
 * A ready {@link VetBaseURL}: refuses a URL whose host is, or resolves to, a private address (the worker's own
 * network: metadata services, databases, internal APIs). Checked when the record is loaded; pair it with an egress
 * firewall, since a name can resolve differently later.
 */
export async function refusePrivateAddresses(url: URL): Promise<true | string> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'it points at this machine';
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return true; // not resolvable now: the request will fail on its own, and cannot reach a private address
  }
  const inside = addresses.find(isPrivateAddress);
  return inside ? `its host resolves to the private address ${inside}` : true;
}

/**
 * The entries of one slot whose URLs `vet` accepts, and a message for each refused one (naming the organisation,
 * the slot and entry, the URL with its credentials masked, and the reason). Every `http(s)`/`ws(s)` string option
 * of an entry is a URL to vet.
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
    for (const [field, value] of Object.entries(entry)) {
      if (typeof value !== 'string' || !/^(https?|wss?):\/\//i.test(value)) continue;
      let verdict: boolean | string | void;
      try {
        verdict = await vet(new URL(value), { ...where, provider, field });
      } catch (error) {
        verdict = (error as Error)?.message ?? String(error);
      }
      if (verdict === false || typeof verdict === 'string') {
        const reason = typeof verdict === 'string' ? `: ${verdict}` : '';
        refusal = `Failed to use ${where.modality}[${index}] (${provider}) of organisation "${where.orgId}": its \`${field}\` ${mask(value)} was refused by the platform's vetBaseURL${reason}. Fix: point the record at a URL the platform accepts, or disable it.`;
        break;
      }
    }
    if (refusal) refusals.push(mask(refusal));
    else kept.push(entry);
  }
  return { kept, refusals };
}

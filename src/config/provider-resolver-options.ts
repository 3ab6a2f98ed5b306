import type { StateStore } from '../state/state-store.js';
import type { Logger } from './logger.js';
import type { VetBaseURL } from './vet-base-url.js';
import type { AdapterSchemaSource } from './voice-stack-config.js';

/** Options of `createProviderResolver()` (and of `voiceStackConfigFromEnv()`'s `providerResolver`). */
export interface ProviderResolverOptions {
  /** The backend's base URL; requests go to `{url}/api/providers/organization/enabled?type=…`. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** How long a fetched config is served without asking the backend again, in ms. @default 300000 */
  ttlMs?: number;
  /**
   * Use the env config (`voiceStackConfigFromEnv()`) when the backend cannot be reached and nothing is cached, and
   * for the slots an organisation has no enabled provider for. @default true
   */
  envFallback?: boolean;
  /** The environment for the env fallback. @default process.env, read at each fallback */
  env?: Readonly<Record<string, string | undefined>>;
  /** The HTTP client. @default globalThis.fetch, looked up at each request (so msw and test doubles apply) */
  fetch?: typeof fetch;
  /**
   * Where configs are cached, shared by every process that uses the same store (and the lock that lets one of them
   * ask the backend when an entry expires). Entries hold the organisations' provider keys: the store must be private to
   * the fleet. @default the machine store (`createMachineStore()`), shared by every process on this machine
   */
  store?: StateStore;
  /** How long past `ttlMs` an entry is still served while the backend fails, in ms. @default 3600000 (1 hour) */
  maxStaleMs?: number;
  /** After a failed request, how long every process waits before asking the backend again for that organisation, in ms. @default 30000 */
  refreshBackoffMs?: number;
  /** Custom adapters whose providers an organisation's records may name (validated before caching). @default none */
  adapters?: readonly AdapterSchemaSource[];
  /** Time allowed for each backend request, in ms. @default 5000 */
  timeoutMs?: number;
  /** Where backend failures are logged. Never given a key. @default LiveKit's logger, else the console */
  logger?: Logger;
  /**
   * The platform's check of every URL in an organisation's records (`baseURL` …), e.g. `refusePrivateAddresses`.
   * A refused record is left out of its chain (and logged as an error); a slot left with none fails to resolve.
   * @default every URL is accepted
   */
  vetBaseURL?: VetBaseURL;
}

import { z } from 'zod';
import { ConfigError, type ConfigIssue, type Modality, VoiceStackError } from '../errors/index.js';
import { defaultLogger, type Logger } from './logger.js';
import { voiceStackConfigFromEnv } from './config-from-env.js';
import { formatIssue } from './parse-config.js';
import type { VoiceStackConfig } from './voice-stack-config.js';

/** One organisation's config as cached, with the time it was fetched. */
export interface CachedProviderConfig {
  config: VoiceStackConfig;
  /** `Date.now()` when the backend answered. */
  fetchedAt: number;
}

/**
 * Where the resolver caches organisation configs. The in-memory default suits one process; back it with Redis
 * (or any shared store) to share the cache across a fleet of workers. Entries hold provider keys: a shared store
 * must be private to the fleet. Entries are never evicted on expiry: a stale one is served while the backend is down.
 */
export interface ProviderConfigStore {
  get(orgId: string): Promise<CachedProviderConfig | undefined> | CachedProviderConfig | undefined;
  set(orgId: string, entry: CachedProviderConfig): Promise<void> | void;
  delete(orgId: string): Promise<void> | void;
  clear(): Promise<void> | void;
}

/** The default {@link ProviderConfigStore}: a `Map` in this process. */
export function createMemoryProviderConfigStore(): ProviderConfigStore {
  const entries = new Map<string, CachedProviderConfig>();
  return {
    get: (orgId) => entries.get(orgId),
    set: (orgId, entry) => void entries.set(orgId, entry),
    delete: (orgId) => void entries.delete(orgId),
    clear: () => entries.clear(),
  };
}

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
  /** Where configs are cached. @default an in-memory store */
  store?: ProviderConfigStore;
  /** Time allowed for each backend request, in ms. @default 5000 */
  timeoutMs?: number;
  /** Where backend failures are logged. Never given a key. @default LiveKit's logger, else the console */
  logger?: Logger;
}

export interface ProviderResolver {
  /**
   * The organisation's config: from the cache while fresh, else from the backend (one request per modality, shared
   * by concurrent callers); a stale entry while the backend is down; the env config when nothing is cached and
   * `envFallback` is on. The result is the caller's own copy.
   * @throws {VoiceStackError} code `CONFIG_UNAVAILABLE` when the backend fails, nothing is cached and `envFallback` is off.
   */
  resolve(orgId: string): Promise<VoiceStackConfig>;
  /** Forgets the cached config of `orgId`, or of every organisation. The next `resolve` asks the backend. */
  invalidate(orgId?: string): Promise<void>;
}

const MODALITIES = ['stt', 'llm', 'tts'] as const satisfies readonly Modality[];

/** One backend record. Loose: fields we do not use are allowed, so the backend can grow. */
const providerRecordSchema = z.looseObject({
  provider: z.string({ error: 'expected a provider name. Fix: the backend must send `provider` as a string.' }).min(1, {
    error: 'expected a provider name, got an empty string. Fix: the backend must send `provider`.',
  }),
  config: z
    .record(z.string(), z.unknown(), { error: 'expected an object of provider options. Fix: the backend must send `config` as an object.' })
    .nullish(),
  secrets: z
    .record(z.string(), z.unknown(), { error: 'expected an object of keys. Fix: the backend must send `secrets` as an object or omit it.' })
    .nullish(),
  priority: z.number({ error: 'expected a number. Fix: the backend must send `priority` as a number (higher is tried first).' }),
  isEnabled: z.boolean({ error: 'expected true or false. Fix: the backend must send `isEnabled` as a boolean.' }),
});
const providerListSchema = z.array(providerRecordSchema, {
  error: 'expected an array of provider records. Fix: the backend must answer `[{ provider, config, secrets?, priority, isEnabled }]`.',
});
type ProviderRecord = z.output<typeof providerRecordSchema>;

/**
 * Loads each organisation's providers from your backend, cached per organisation.
 *
 * Backend contract: `GET {url}/api/providers/organization/enabled?type=stt|tts|llm` with `X-Organization-Id` and
 * `Authorization: Bearer <apiKey>`, answering `[{ provider, config, secrets?, priority, isEnabled }]`. Enabled records,
 * highest `priority` first, become the slot's chain; `secrets` merge into the provider's options.
 *
 * @example
 * const resolver = createProviderResolver({ url: 'https://api.acme.example', apiKey: process.env.BACKEND_KEY! });
 * const stack = await createVoiceStack(await resolver.resolve(orgId));
 */
export function createProviderResolver(options: ProviderResolverOptions): ProviderResolver {
  const ttlMs = options.ttlMs ?? 300_000;
  const envFallback = options.envFallback ?? true;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const store = options.store ?? createMemoryProviderConfigStore();
  const logger = options.logger ?? defaultLogger();
  const base = options.url.replace(/\/+$/, '');
  const inFlight = new Map<string, Promise<VoiceStackConfig>>();
  // Bumped by invalidate(): an answer to a request made before it is not cached.
  const generations = new Map<string, number>();
  let globalGeneration = 0;
  const generationOf = (orgId: string) => `${globalGeneration}:${generations.get(orgId) ?? 0}`;

  const fetchSlot = async (orgId: string, modality: Modality): Promise<Record<string, unknown>[]> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const url = `${base}/api/providers/organization/enabled?type=${modality}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { 'X-Organization-Id': orgId, Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String((error as Error)?.message ?? error);
      throw unavailable(`the ${modality} providers of organisation "${orgId}" from ${base}: ${reason}`, error);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const hint = response.status === 401 || response.status === 403 ? ' (check the resolver apiKey)' : '';
      throw unavailable(`the ${modality} providers of organisation "${orgId}" from ${base}: HTTP ${response.status}${hint}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new ConfigError(
        [{ path: modality, message: 'expected a JSON body. Fix: the backend must answer with JSON.' }],
        describeSource(base, modality, orgId),
      );
    }
    const parsed = providerListSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      const issues: ConfigIssue[] = parsed.error.issues.map((issue) => formatIssue(issue, [modality], new Set()));
      throw new ConfigError(issues, describeSource(base, modality, orgId));
    }
    return toChain(parsed.data);
  };

  const load = async (orgId: string, cached: CachedProviderConfig | undefined): Promise<VoiceStackConfig> => {
    const generation = generationOf(orgId);
    let slots: Record<Modality, Record<string, unknown>[]>;
    try {
      // allSettled: no request is left running behind a failed one.
      const settled = await Promise.allSettled(MODALITIES.map((modality) => fetchSlot(orgId, modality)));
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      const [stt, llm, tts] = settled.map((result) => (result as PromiseFulfilledResult<Record<string, unknown>[]>).value);
      slots = { stt: stt!, llm: llm!, tts: tts! };
    } catch (error) {
      const message = (error as Error).message;
      if (cached) {
        logger.warn(
          `Failed to refresh the providers of organisation "${orgId}"; serving the cached config from ${new Date(cached.fetchedAt).toISOString()}`,
          { orgId, error: message },
        );
        return cached.config;
      }
      if (envFallback) {
        logger.warn(`Failed to load the providers of organisation "${orgId}"; using the env config`, { orgId, error: message });
        return voiceStackConfigFromEnv(envOf(options));
      }
      throw error;
    }
    const config: VoiceStackConfig = {};
    const fromEnv =
      envFallback && MODALITIES.some((modality) => slots[modality].length === 0) ? voiceStackConfigFromEnv(envOf(options)) : {};
    for (const modality of MODALITIES) {
      const chain = slots[modality].length > 0 ? slots[modality] : (fromEnv[modality] as Record<string, unknown>[] | undefined);
      if (chain !== undefined) (config as Record<string, unknown>)[modality] = chain;
    }
    if (generationOf(orgId) === generation) await store.set(orgId, { config, fetchedAt: Date.now() });
    return config;
  };

  return {
    async resolve(orgId) {
      if (typeof orgId !== 'string' || orgId.length === 0) {
        throw new ConfigError(
          [{ path: 'orgId', message: 'expected a non-empty organisation id. Fix: pass the id your backend knows the organisation by.' }],
          'resolver.resolve()',
        );
      }
      const cached = await store.get(orgId);
      if (cached && Date.now() - cached.fetchedAt < ttlMs) return structuredClone(cached.config);
      let pending = inFlight.get(orgId);
      if (!pending) {
        pending = load(orgId, cached).finally(() => {
          if (inFlight.get(orgId) === pending) inFlight.delete(orgId);
        });
        inFlight.set(orgId, pending);
      }
      // Each caller gets its own copy: mutating it must not change the cache or another caller's config.
      return structuredClone(await pending);
    },
    async invalidate(orgId) {
      if (orgId === undefined) {
        globalGeneration++;
        inFlight.clear();
        await store.clear();
        return;
      }
      generations.set(orgId, (generations.get(orgId) ?? 0) + 1);
      inFlight.delete(orgId);
      await store.delete(orgId);
    },
  };
}

/** Enabled records, highest priority first (ties keep the backend's order), as config entries with secrets merged. */
function toChain(records: readonly ProviderRecord[]): Record<string, unknown>[] {
  return records
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => record.isEnabled)
    .sort((a, b) => b.record.priority - a.record.priority || a.index - b.index)
    .map(({ record }) => ({ ...(record.config ?? {}), ...(record.secrets ?? {}), provider: record.provider }));
}

function unavailable(what: string, cause?: unknown): VoiceStackError {
  return new VoiceStackError(
    'CONFIG_UNAVAILABLE',
    `Failed to load ${what}. Fix: check that the backend is up and the URL is right, or turn on \`envFallback\`.`,
    {
      cause,
      isRetryable: true,
    },
  );
}

function describeSource(base: string, modality: Modality, orgId: string): string {
  return `the provider backend (${base}, type=${modality}, organisation "${orgId}")`;
}

function envOf(options: ProviderResolverOptions): Readonly<Record<string, string | undefined>> {
  return options.env ?? process.env;
}

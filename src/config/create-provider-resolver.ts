import { z } from 'zod';
import { ConfigError, type ConfigIssue, MODALITIES, type Modality, VoiceStackError } from '../errors/index.js';
import { defaultLogger } from './logger.js';
import { voiceStackConfigFromEnv } from './config-from-env.js';
import { formatIssue, parseConfig } from './parse-config.js';
import type { AdapterSchemaSource, VoiceStackConfig } from './voice-stack-config.js';
import { createHash } from 'node:crypto';
import { defaultStore } from '../state/default-store.js';
import { checkStore } from '../state/check-store.js';
import { guardStore } from '../state/guard-store.js';
import { llmOptionSchemas } from './llm-config.js';
import { sttOptionSchemas } from './stt-config.js';
import { ttsOptionSchemas } from './tts-config.js';
import { sleep } from '../state/sleep.js';
import { backendFailureKind, backendStatusError, type BackendFailureKind, withBackendFailureKind } from './backend-failure.js';
import { assertDuration } from './durations.js';
import { assertOrganisationId } from './organisation-id.js';
import { maskText, maskURLs } from './secrets.js';
import { vetEntries } from './vet-base-url.js';
import type { ProviderResolverOptions } from './provider-resolver-options.js';
import { discardBody } from './discard-body.js';
import { readText } from './read-text.js';

export type { ProviderResolverOptions };

/** One organisation's config as cached in the store, with the time it was fetched. */
export interface CachedProviderConfig {
  config: VoiceStackConfig;
  /** `Date.now()` when the backend answered. */
  fetchedAt: number;
}

export interface ProviderResolver {
  /**
   * The organisation's config: from the cache while fresh; an expired entry at once while one process of the fleet
   * refreshes it in the background; else from the backend (one request per modality, one process asking at a time);
   * the env config when nothing is cached and `envFallback` is on. The result is the caller's own copy.
   * @throws {VoiceStackError} code `CONFIG_UNAVAILABLE` when the backend fails, nothing is cached and `envFallback` is off.
   */
  resolve(orgId: string): Promise<VoiceStackConfig>;
  /** Forgets the cached config of `orgId`, or of every organisation, for every process sharing the store. The next `resolve` asks the backend. */
  invalidate(orgId?: string): Promise<void>;
}

/** One backend record. Loose: fields we do not use are allowed, so the backend can grow. */
/** One modality's records of one organisation are a few KB: a longer answer is refused, not read on. */
const MAX_ANSWER_BYTES = 1_048_576;

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
  const where = 'createProviderResolver()';
  const ttlMs = assertDuration(options.ttlMs ?? 300_000, where, 'ttlMs');
  const maxStaleMs = assertDuration(options.maxStaleMs ?? 3_600_000, where, 'maxStaleMs');
  const backoffMs = assertDuration(options.refreshBackoffMs ?? 30_000, where, 'refreshBackoffMs');
  const envFallback = options.envFallback ?? true;
  const timeoutMs = assertDuration(options.timeoutMs ?? 5_000, where, 'timeoutMs', { min: 10 });
  const logger = options.logger ?? defaultLogger();
  if (options.store !== undefined) checkStore(options.store, 'createProviderResolver()');
  const store = guardStore(options.store ?? defaultStore(logger), { logger });
  const base = options.url.replace(/\/+$/, '');
  // The backend URL as logs and errors show it: credentials in it are masked.
  const shownBase = maskURLs(base);
  const schemas = [...builtinSchemas, ...(options.adapters ?? [])];
  // Keys of one backend apart from another's (two resolvers may share a store); never the backend key itself.
  const namespace = `resolver:${createHash('sha256').update(base).digest('base64url').slice(0, 10)}`;
  const keys = (orgId: string) => ({
    entry: `${namespace}:org:${orgId}`,
    lock: `${namespace}:lock:${orgId}`,
    backoff: `${namespace}:backoff:${orgId}`,
  });
  // The lock outlives one backend round (three requests in parallel, each bounded by timeoutMs), then frees itself.
  const lockMs = timeoutMs + 2_000;
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
      throw unavailable(`the ${modality} providers of organisation "${orgId}" from ${shownBase}: ${maskText(reason)}`, error);
    }
    if (!response.ok) {
      discardBody(response);
      throw backendStatusError(response.status, `the ${modality} providers of organisation "${orgId}" from ${shownBase}`);
    }
    // Read to a cap, not with response.json(): an answer that never ends would hold the call and grow without bound.
    const text = await readText(response, MAX_ANSWER_BYTES + 1);
    if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) {
      throw new ConfigError(
        [
          {
            path: modality,
            message: `the answer is larger than ${MAX_ANSWER_BYTES / 1024} KiB. Fix: the backend must answer with the organisation's enabled ${modality} providers only.`,
          },
        ],
        describeSource(shownBase, modality, orgId),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ConfigError(
        [{ path: modality, message: 'expected a JSON body. Fix: the backend must answer with JSON.' }],
        describeSource(shownBase, modality, orgId),
      );
    }
    const parsed = providerListSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      const issues: ConfigIssue[] = parsed.error.issues.map((issue) => formatIssue(issue, [modality], new Set()));
      throw new ConfigError(issues, describeSource(shownBase, modality, orgId));
    }
    const chain = toChain(parsed.data, orgId);
    if (!options.vetBaseURL || chain.length === 0) return chain;
    const { kept, refusals } = await vetEntries(chain, { orgId, modality }, options.vetBaseURL, maskText);
    for (const refusal of refusals) logger.error(refusal, { orgId, modality });
    if (kept.length === 0) {
      throw withBackendFailureKind(
        new VoiceStackError('CONFIG_INVALID', `${refusals[0]} No other ${modality} record of this organisation is enabled.`),
        'refused',
      );
    }
    return kept;
  };

  /** Asks the backend, validates the answer (a bad record must not replace a good entry) and caches it. */
  const fetchConfig = async (orgId: string): Promise<VoiceStackConfig> => {
    const generation = generationOf(orgId);
    // allSettled: no request is left running behind a failed one.
    const settled = await Promise.allSettled(MODALITIES.map((modality) => fetchSlot(orgId, modality)));
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const [stt, llm, tts] = settled.map((result) => (result as PromiseFulfilledResult<Record<string, unknown>[]>).value);
    const slots: Record<Modality, Record<string, unknown>[]> = { stt: stt!, llm: llm!, tts: tts! };
    const config: VoiceStackConfig = {};
    const fromEnv =
      envFallback && MODALITIES.some((modality) => slots[modality].length === 0) ? voiceStackConfigFromEnv(envOf(options)) : {};
    for (const modality of MODALITIES) {
      const chain = slots[modality].length > 0 ? slots[modality] : (fromEnv[modality] as Record<string, unknown>[] | undefined);
      if (chain !== undefined) (config as Record<string, unknown>)[modality] = chain;
    }
    parseConfig(config, schemas, `the providers of organisation "${orgId}" from ${shownBase}`);
    if (generationOf(orgId) === generation) {
      await store.set(keys(orgId).entry, { config, fetchedAt: Date.now() } satisfies CachedProviderConfig, ttlMs + maxStaleMs);
    }
    return config;
  };

  /** Runs `work` while holding the organisation's fleet-wide lock; `undefined` when another process holds it. */
  const withLock = async <T>(orgId: string, work: () => Promise<T>): Promise<{ value: T } | undefined> => {
    const { lock, backoff } = keys(orgId);
    if (!(await store.setIfAbsent(lock, process.pid, lockMs))) return undefined;
    try {
      return { value: await work() };
    } catch (error) {
      const kind = backendFailureKind(error);
      // 403/404: the organisation is switched off or unknown, so its cached entry must not be served any more.
      if (kind === 'gone') await store.delete(keys(orgId).entry);
      await store.set(backoff, { at: Date.now(), error: maskText((error as Error)?.message ?? String(error)), kind }, backoffMs);
      throw error;
    } finally {
      await store.delete(lock);
    }
  };

  /** Refreshes an expired entry in the background: one process of the fleet asks, and none while backing off. */
  const refresh = (orgId: string, cached: CachedProviderConfig): void => {
    if (inFlight.has(orgId) || store.get(keys(orgId).backoff) !== undefined) return;
    const pending = withLock(orgId, () => fetchConfig(orgId))
      .then((result) => result?.value ?? cached.config)
      .catch((error: unknown) => {
        const message = maskText((error as Error)?.message ?? String(error));
        const kind = backendFailureKind(error);
        if (kind === 'gone') logger.error(message, { orgId });
        else
          logger[kind === 'down' ? 'warn' : 'error'](
            `Failed to refresh the providers of organisation "${orgId}"; serving the cached config from ${new Date(cached.fetchedAt).toISOString()} and asking again in ${Math.round(backoffMs / 1000)} s`,
            { orgId, error: message },
          );
        return cached.config;
      })
      .finally(() => {
        if (inFlight.get(orgId) === pending) inFlight.delete(orgId);
      });
    inFlight.set(orgId, pending);
  };

  /** No entry: this process (or the one holding the lock) asks the backend; a recent failure answers at once. */
  const load = async (orgId: string): Promise<VoiceStackConfig> => {
    const { entry, lock, backoff } = keys(orgId);
    const deadline = Date.now() + lockMs;
    try {
      for (;;) {
        const failure = store.get<{ error?: string; kind?: BackendFailureKind }>(backoff);
        if (failure)
          throw withBackendFailureKind(
            unavailable(
              `the providers of organisation "${orgId}" from ${shownBase}: it failed recently (${failure.error ?? 'unknown error'}); asking again within ${Math.round(backoffMs / 1000)} s`,
            ),
            failure.kind ?? 'down',
          );
        const result = await withLock(orgId, () => fetchConfig(orgId));
        if (result) return result.value;
        // Another process is asking: its answer reaches this store within milliseconds.
        while (store.get(lock) !== undefined && store.get(entry) === undefined && Date.now() < deadline) await sleep(20);
        const cached = store.get<CachedProviderConfig>(entry);
        if (cached) return cached.config;
        // A lock that outlived its holder's timeout: ask without it rather than wait again.
        if (Date.now() >= deadline) return await fetchConfig(orgId);
      }
    } catch (error) {
      // Only a backend that is down falls back: a refusal (401, 403, 404, a bad answer) says what to fix instead.
      if (!envFallback || backendFailureKind(error) !== 'down') throw error;
      logger.warn(`Failed to load the providers of organisation "${orgId}"; using the env config`, {
        orgId,
        error: maskText((error as Error)?.message ?? String(error)),
      });
      return voiceStackConfigFromEnv(envOf(options));
    }
  };

  return {
    async resolve(orgId) {
      assertOrganisationId(orgId, 'resolver.resolve()');
      const cached = store.get<CachedProviderConfig>(keys(orgId).entry);
      if (cached) {
        if (Date.now() - cached.fetchedAt >= ttlMs) refresh(orgId, cached);
        // Each caller gets its own copy (the store's reads already are).
        return cached.config;
      }
      let pending = inFlight.get(orgId);
      if (!pending) {
        pending = load(orgId).finally(() => {
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
        await Promise.all(store.list(`${namespace}:`).map(([key]) => store.delete(key)));
        return;
      }
      generations.set(orgId, (generations.get(orgId) ?? 0) + 1);
      inFlight.delete(orgId);
      await Promise.all(Object.values(keys(orgId)).map((key) => store.delete(key)));
    },
  };
}

/** The built-in providers' option schemas: an organisation's records are validated against them before caching. */
const builtinSchemas: AdapterSchemaSource[] = [
  ...Object.entries(sttOptionSchemas).map(([provider, options]) => ({ modality: 'stt' as const, provider, options })),
  ...Object.entries(llmOptionSchemas).map(([provider, options]) => ({ modality: 'llm' as const, provider, options })),
  ...Object.entries(ttsOptionSchemas).map(([provider, options]) => ({ modality: 'tts' as const, provider, options })),
];

/**
 * Enabled records, highest priority first (ties keep the backend's order), as config entries with secrets merged,
 * marked with the organisation (so that `createVoiceStack()` never gives them an environment key).
 */
function toChain(records: readonly ProviderRecord[], orgId: string): Record<string, unknown>[] {
  return records
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => record.isEnabled)
    .sort((a, b) => b.record.priority - a.record.priority || a.index - b.index)
    .map(({ record }) => ({ ...(record.config ?? {}), ...(record.secrets ?? {}), provider: record.provider, orgId }));
}

function unavailable(what: string, cause?: unknown): VoiceStackError {
  const error = new VoiceStackError(
    'CONFIG_UNAVAILABLE',
    `Failed to load ${what}. Fix: check that the backend is up and the URL is right, or turn on \`envFallback\`.`,
    { cause, isRetryable: true },
  );
  return withBackendFailureKind(error, 'down');
}

function describeSource(base: string, modality: Modality, orgId: string): string {
  return `the provider backend (${base}, type=${modality}, organisation "${orgId}")`;
}

function envOf(options: ProviderResolverOptions): Readonly<Record<string, string | undefined>> {
  return options.env ?? process.env;
}

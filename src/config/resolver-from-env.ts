import type { EnvReader } from './env-reader.js';
import type { ProviderResolverOptions } from './provider-resolver-options.js';

/**
 * The organisation backend (`AICO_BACKEND_URL`, `AICO_INTERNAL_API_KEY`, `PROVIDER_ENV_FALLBACK`), for
 * `createProviderResolver()`; `undefined` without a backend URL (a URL without its key is an issue).
 */
export function resolverFromEnv(reader: EnvReader, env: Record<string, string | undefined>): ProviderResolverOptions | undefined {
  const backendURL = reader.url('AICO_BACKEND_URL', 'http://localhost:3000');
  const backendKey = reader.read('AICO_INTERNAL_API_KEY');
  const envFallback = reader.flag('PROVIDER_ENV_FALLBACK', true);
  if (backendURL && !backendKey)
    reader.missing('AICO_INTERNAL_API_KEY', 'AICO_BACKEND_URL is', "set the backend's internal key in AICO_INTERNAL_API_KEY");
  return backendURL && backendKey ? { url: backendURL, apiKey: backendKey, envFallback, env } : undefined;
}

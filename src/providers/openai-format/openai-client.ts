import type OpenAI from 'openai';
import { MissingAPIKeyError } from '../../errors/index.js';
import type { AdapterContext } from '../define-adapter.js';
import { loadOpenAIPlugin } from '../load-plugin.js';
import { carryResponseProgress } from '../response-progress.js';

/** OpenAI's API, where the SDK sends requests without a `baseURL`. */
const OPENAI_API_URL = 'https://api.openai.com/v1';

/** Where a missing key should come from, for the error message. */
export interface KeySource {
  provider: string;
  envVariable?: string;
  /** Many self-hosted servers need no key: send a placeholder instead of failing. */
  optional?: boolean;
}

export interface OpenAIClientOptions {
  apiKey?: string | undefined;
  baseURL?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** Used instead of `context.fetch`, e.g. to rewrite the request body. */
  fetch?: typeof fetch | undefined;
}

/**
 * The OpenAI plugin and an OpenAI SDK client for every OpenAI-format provider (LLM, STT, TTS): the key from the entry
 * or `keySource.envVariable`, the SDK's own retries off (the chain owns retries), and `context.fetch`, so that
 * responses are intercepted by msw in tests and their status and `Retry-After` reach the chain.
 */
export async function createOpenAIClient(options: OpenAIClientOptions, context: AdapterContext, keySource: KeySource) {
  const apiKey = options.apiKey ?? (keySource.envVariable ? context.env[keySource.envVariable] : undefined);
  if (!apiKey && !keySource.optional) {
    throw new MissingAPIKeyError(`${context.path} (${keySource.provider})`, 'apiKey', keySource.envVariable);
  }
  const [plugin, { OpenAI }] = await Promise.all([loadOpenAIPlugin(`${context.path} (${keySource.provider})`), import('openai')]);
  // Nothing comes from process.env (see sdkEnvOptions): an organisation's entry never gets the platform's
  // OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID or custom headers.
  const client: OpenAI = new OpenAI({
    apiKey: apiKey || 'none', // the SDK refuses an empty key; self-hosted servers ignore it
    baseURL: options.baseURL ?? OPENAI_API_URL,
    ...sdkEnvOptions(context.env, options.headers),
    maxRetries: 0,
    fetch: options.fetch ?? context.fetch,
  });
  // The LLM chain's attempts learn what the response streams through the request (a wrapping `fetch` keeps it).
  carryResponseProgress(client, context.fetch);
  return { plugin, client, apiKey: apiKey || 'none' };
}

/**
 * What the OpenAI SDK (and `AzureOpenAI`) would read from process.env, taken from the entry's env instead (an
 * organisation's entry sees none): the organisation and project headers, and `OPENAI_CUSTOM_HEADERS`, whose names
 * from process.env are cleared (`null`) before the entry's own and `headers` are set.
 */
export function sdkEnvOptions(env: Readonly<Record<string, string | undefined>>, headers?: Record<string, string>) {
  return {
    organization: env.OPENAI_ORG_ID ?? null,
    project: env.OPENAI_PROJECT_ID ?? null,
    defaultHeaders: { ...envHeaders(env), ...headers },
  };
}

function envHeaders(env: Readonly<Record<string, string | undefined>>): Record<string, string | null> {
  const parse = (text: string | undefined) =>
    (text ?? '').split('\n').flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? [[line.slice(0, colon).trim(), line.slice(colon + 1).trim()] as const] : [];
    });
  return {
    ...Object.fromEntries(parse(process.env.OPENAI_CUSTOM_HEADERS).map(([name]) => [name, null])),
    ...Object.fromEntries(parse(env.OPENAI_CUSTOM_HEADERS)),
  };
}

import type OpenAI from 'openai';
import { MissingAPIKeyError } from '../../errors/index.js';
import type { AdapterContext } from '../define-adapter.js';
import { loadOpenAIPlugin } from '../load-plugin.js';

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
  const client: OpenAI = new OpenAI({
    apiKey: apiKey || 'none', // the SDK refuses an empty key; self-hosted servers ignore it
    ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
    maxRetries: 0,
    fetch: options.fetch ?? context.fetch,
    ...(options.headers && { defaultHeaders: options.headers }),
  });
  return { plugin, client, apiKey: apiKey || 'none' };
}

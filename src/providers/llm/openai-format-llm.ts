import type { llm } from '@livekit/agents';
import { MissingAPIKeyError } from '../../errors/index.js';
import type { AdapterContext } from '../define-adapter.js';
import { loadOpenAIPlugin } from '../load-plugin.js';

export interface OpenAIFormatLLMOptions {
  model: string;
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  headers?: Record<string, string> | undefined;
  temperature?: number | undefined;
  maxCompletionTokens?: number | undefined;
  /** Used instead of `context.fetch`, e.g. to rewrite the request body. */
  fetch?: typeof fetch | undefined;
}

/** Where a missing key should come from, for the error message. */
export interface KeySource {
  provider: string;
  envVariable?: string;
  /** Many self-hosted servers need no key: send a placeholder instead of failing. */
  optional?: boolean;
}

/**
 * Every OpenAI-format LLM (OpenAI, OpenRouter, llama.cpp, vLLM …) is the OpenAI plugin's `LLM` over an OpenAI SDK
 * client that we build, so that responses go through `context.fetch` (Retry-After) and headers can be added.
 */
export async function createOpenAIFormatLLM(
  options: OpenAIFormatLLMOptions,
  context: AdapterContext,
  keySource: KeySource,
): Promise<llm.LLM> {
  const apiKey = options.apiKey ?? (keySource.envVariable ? context.env[keySource.envVariable] : undefined);
  if (!apiKey && !keySource.optional) {
    throw new MissingAPIKeyError(`${context.path} (${keySource.provider})`, 'apiKey', keySource.envVariable);
  }
  const [openai, { OpenAI }] = await Promise.all([loadOpenAIPlugin(`${context.path} (${keySource.provider})`), import('openai')]);
  const client = new OpenAI({
    apiKey: apiKey || 'none',
    ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
    maxRetries: 0, // the chain owns retries
    fetch: options.fetch ?? context.fetch,
    ...(options.headers && { defaultHeaders: options.headers }),
  });
  return new openai.LLM({
    model: options.model,
    client,
    ...(options.temperature !== undefined && { temperature: options.temperature }),
    ...(options.maxCompletionTokens !== undefined && { maxCompletionTokens: options.maxCompletionTokens }),
  });
}

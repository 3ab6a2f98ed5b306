import type { llm } from '@livekit/agents';
import type { AdapterContext } from '../define-adapter.js';
import { createOpenAIClient, type KeySource } from './openai-client.js';

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

/**
 * Every OpenAI-format LLM (OpenAI, OpenRouter, llama.cpp, vLLM …) is the OpenAI plugin's `LLM` over an OpenAI SDK
 * client that we build, so that responses go through `context.fetch` (Retry-After) and headers can be added.
 */
export async function createOpenAIFormatLLM(
  options: OpenAIFormatLLMOptions,
  context: AdapterContext,
  keySource: KeySource,
): Promise<llm.LLM> {
  const { plugin, client } = await createOpenAIClient(options, context, keySource);
  return new plugin.LLM({
    model: options.model,
    client,
    ...(options.temperature !== undefined && { temperature: options.temperature }),
    ...(options.maxCompletionTokens !== undefined && { maxCompletionTokens: options.maxCompletionTokens }),
  });
}

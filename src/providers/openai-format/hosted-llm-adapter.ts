import type { z } from 'zod';
import type { groqLLMOptions } from '../groq/groq-llm-options.js';
import { defineAdapter } from '../define-adapter.js';
import { probeChatCompletion } from '../probe-http.js';
import { createOpenAIFormatLLM } from './openai-format-llm.js';

type HostedProvider = 'groq' | 'gemini' | 'anthropic';
/** The three share one shape (a model, a key and a base URL with the provider's defaults, and the OpenAI-format fields). */
type HostedSchema = typeof groqLLMOptions;
type Options = z.output<HostedSchema>;

/**
 * A hosted LLM with an OpenAI-compatible endpoint (Groq, Gemini, Anthropic): the OpenAI plugin over an OpenAI SDK
 * client pointed at the provider's base URL, keyed by the provider's own variables (the first one set wins).
 */
export function hostedLLMAdapter<const P extends HostedProvider>(
  provider: P,
  options: HostedSchema,
  keyVariables: readonly [string, ...string[]],
) {
  const keyOf = (entry: Options, env: Readonly<Record<string, string | undefined>>) =>
    entry.apiKey ?? keyVariables.map((name) => env[name]).find(Boolean);
  return defineAdapter({
    modality: 'llm',
    provider,
    options,
    model: (entry: Options) => entry.model,
    create: (entry: Options, context) =>
      createOpenAIFormatLLM({ ...entry, apiKey: keyOf(entry, context.env) }, context, { provider, envVariable: keyVariables[0] }),
    health: (entry: Options, context) =>
      probeChatCompletion(
        { baseURL: entry.baseURL, model: entry.model, apiKey: keyOf(entry, context.env), headers: entry.headers },
        context,
      ),
  });
}

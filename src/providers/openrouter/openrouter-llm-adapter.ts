import { openRouterLLMOptions } from './openrouter-llm-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatLLM } from '../openai-format/openai-format-llm.js';
import { probeChatCompletion } from '../probe-http.js';

/**
 * `{ provider: 'openrouter' }`: OpenRouter through the OpenAI plugin. A `models` list becomes one chain option per
 * model (each with its own cooldown); `serverRouting` also sends the rest of the list as OpenRouter's `models` field.
 */
export const openRouterLLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'openrouter',
  options: openRouterLLMOptions,
  expand: (options) => {
    const models = options.models ?? [options.model!];
    return models.map((model, index) => ({
      ...options,
      model,
      models: options.serverRouting ? models.slice(index) : undefined,
    }));
  },
  model: (options) => options.model ?? options.models?.[0] ?? 'unknown',
  health: (options, context) =>
    probeChatCompletion(
      {
        baseURL: options.baseURL,
        model: options.model ?? options.models![0]!,
        apiKey: options.apiKey ?? context.env.OPENROUTER_API_KEY,
        headers: attributionHeaders(options),
      },
      context,
    ),
  create: (options, context) => {
    const headers = attributionHeaders(options);
    const routing = options.serverRouting && options.models && options.models.length > 1 ? options.models : undefined;
    return createOpenAIFormatLLM(
      {
        ...options,
        model: options.model ?? options.models![0]!,
        headers,
        fetch: routing ? (input, init) => context.fetch(input, withModels(init, routing)) : undefined,
      },
      context,
      { provider: 'openrouter', envVariable: 'OPENROUTER_API_KEY' },
    );
  },
});

/** Adds OpenRouter's server-side fallback list to a chat completion body. */
function withModels(init: RequestInit | undefined, models: string[]): RequestInit | undefined {
  if (typeof init?.body !== 'string') return init;
  try {
    return { ...init, body: JSON.stringify({ ...JSON.parse(init.body), models }) };
  } catch {
    return init;
  }
}

/** OpenRouter's app attribution headers, plus the user's own. */
function attributionHeaders(options: {
  appName: string;
  siteUrl?: string | undefined;
  headers?: Record<string, string> | undefined;
}): Record<string, string> {
  return {
    'X-Title': options.appName,
    ...(options.siteUrl && { 'HTTP-Referer': options.siteUrl }),
    ...options.headers,
  };
}

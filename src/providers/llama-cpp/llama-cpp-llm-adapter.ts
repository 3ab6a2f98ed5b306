import { llamaCppLLMOptions } from './llama-cpp-llm-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatLLM } from '../openai-format/openai-format-llm.js';
import { probeHTTP } from '../probe-http.js';

/** llama.cpp serves `/health` beside `/v1`: `http://localhost:8080/v1` → `http://localhost:8080/health`. */
function llamaCppHealthURL(baseURL: string): string {
  const url = new URL(baseURL);
  url.pathname = url.pathname.replace(/\/v1\/?$/, '/').replace(/\/?$/, '/') + 'health';
  return url.toString();
}

/** `{ provider: 'llama-cpp' }`: a local llama.cpp server, the last resort by default. */
export const llamaCppLLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'llama-cpp',
  options: llamaCppLLMOptions,
  model: (options) => options.model,
  create: (options, context) => createOpenAIFormatLLM(options, context, { provider: 'llama-cpp', optional: true }),
  // llama.cpp answers `/health` with 503 while it loads a model: that is reported as not (yet) healthy.
  health: (options, context) =>
    probeHTTP(
      llamaCppHealthURL(options.baseURL),
      { headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {} },
      context,
    ),
});

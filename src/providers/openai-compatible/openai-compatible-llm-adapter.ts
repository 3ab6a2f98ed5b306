import { openAICompatibleLLMOptions } from './openai-compatible-llm-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatLLM } from '../openai-format/openai-format-llm.js';
import { probeChatCompletion } from '../probe-http.js';

/** `{ provider: 'openai-compatible' }`: a self-hosted OpenAI-format server (vLLM, TGI, Ollama …). */
export const openAICompatibleLLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'openai-compatible',
  options: openAICompatibleLLMOptions,
  model: (options) => options.model,
  create: (options, context) => createOpenAIFormatLLM(options, context, { provider: 'openai-compatible', optional: true }),
  health: (options, context) => probeChatCompletion(options, context),
});

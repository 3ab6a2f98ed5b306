import { openAILLMOptions } from './openai-llm-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatLLM } from '../openai-format/openai-format-llm.js';
import { probeChatCompletion } from '../probe-http.js';

/** `{ provider: 'openai' }`: OpenAI's chat completions through the OpenAI plugin. */
export const openAILLMAdapter = defineAdapter({
  modality: 'llm',
  provider: 'openai',
  options: openAILLMOptions,
  model: (options) => options.model,
  create: (options, context) =>
    createOpenAIFormatLLM({ ...options, baseURL: options.baseURL ?? context.env.OPENAI_BASE_URL }, context, {
      provider: 'openai',
      envVariable: 'OPENAI_API_KEY',
    }),
  health: (options, context) =>
    probeChatCompletion(
      {
        baseURL: options.baseURL ?? context.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
        model: options.model,
        apiKey: options.apiKey ?? context.env.OPENAI_API_KEY,
        headers: options.headers,
        tokenField: 'max_completion_tokens',
      },
      context,
    ),
});

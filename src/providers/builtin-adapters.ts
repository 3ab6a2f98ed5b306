import type { AnyAdapter } from './define-adapter.js';
import { inferenceLLMAdapter } from './llm/inference-llm-adapter.js';
import { llamaCppLLMAdapter } from './llm/llama-cpp-llm-adapter.js';
import { openAICompatibleLLMAdapter } from './llm/openai-compatible-llm-adapter.js';
import { openAILLMAdapter } from './llm/openai-llm-adapter.js';
import { openRouterLLMAdapter } from './llm/openrouter-llm-adapter.js';

/** Every built-in provider, as adapters. Custom adapters with the same modality and name take precedence. */
export const builtinAdapters: readonly AnyAdapter[] = [
  inferenceLLMAdapter,
  openAILLMAdapter,
  openAICompatibleLLMAdapter,
  openRouterLLMAdapter,
  llamaCppLLMAdapter,
];

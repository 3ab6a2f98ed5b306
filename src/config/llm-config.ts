// The built-in LLM providers: each provider's options (schema and type) live in its own folder under
// src/providers/; this module only assembles them.
import { inferenceLLMOptions, type InferenceLLMConfig } from '../providers/inference/inference-llm-options.js';
import { openAILLMOptions, type OpenAILLMConfig } from '../providers/openai/openai-llm-options.js';
import {
  openAICompatibleLLMOptions,
  type OpenAICompatibleLLMConfig,
} from '../providers/openai-compatible/openai-compatible-llm-options.js';
import { openRouterLLMOptions, type OpenRouterLLMConfig } from '../providers/openrouter/openrouter-llm-options.js';
import { llamaCppLLMOptions, type LlamaCppLLMConfig } from '../providers/llama-cpp/llama-cpp-llm-options.js';
import { openAIRealtimeLLMOptions, type OpenAIRealtimeLLMConfig } from '../providers/openai/openai-realtime-llm-options.js';
import { groqLLMOptions, type GroqLLMConfig } from '../providers/groq/groq-llm-options.js';
import { geminiLLMOptions, type GeminiLLMConfig } from '../providers/gemini/gemini-llm-options.js';
import { anthropicLLMOptions, type AnthropicLLMConfig } from '../providers/anthropic/anthropic-llm-options.js';
import { azureOpenAILLMOptions, type AzureOpenAILLMConfig } from '../providers/azure-openai/azure-openai-llm-options.js';

export type {
  InferenceLLMConfig,
  OpenAILLMConfig,
  OpenAICompatibleLLMConfig,
  OpenRouterLLMConfig,
  LlamaCppLLMConfig,
  OpenAIRealtimeLLMConfig,
  GroqLLMConfig,
  GeminiLLMConfig,
  AnthropicLLMConfig,
  AzureOpenAILLMConfig,
};

/** Any built-in LLM provider entry. */
export type BuiltinLLMConfig =
  | InferenceLLMConfig
  | OpenAILLMConfig
  | OpenAICompatibleLLMConfig
  | OpenRouterLLMConfig
  | LlamaCppLLMConfig
  | OpenAIRealtimeLLMConfig
  | GroqLLMConfig
  | GeminiLLMConfig
  | AnthropicLLMConfig
  | AzureOpenAILLMConfig;

/** Option schemas by provider (without `provider` and `lastResort`, which the stack handles). */
export const llmOptionSchemas = {
  inference: inferenceLLMOptions,
  openai: openAILLMOptions,
  'openai-compatible': openAICompatibleLLMOptions,
  openrouter: openRouterLLMOptions,
  'llama-cpp': llamaCppLLMOptions,
  'openai-realtime': openAIRealtimeLLMOptions,
  groq: groqLLMOptions,
  gemini: geminiLLMOptions,
  anthropic: anthropicLLMOptions,
  'azure-openai': azureOpenAILLMOptions,
} as const;

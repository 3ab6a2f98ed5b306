import type { AnyAdapter } from './define-adapter.js';
import { anthropicLLMAdapter } from './anthropic/anthropic-llm-adapter.js';
import { azureOpenAILLMAdapter } from './azure-openai/azure-openai-llm-adapter.js';
import { geminiLLMAdapter } from './gemini/gemini-llm-adapter.js';
import { groqLLMAdapter } from './groq/groq-llm-adapter.js';
import { inferenceLLMAdapter } from './llm/inference-llm-adapter.js';
import { llamaCppLLMAdapter } from './llm/llama-cpp-llm-adapter.js';
import { openAICompatibleLLMAdapter } from './llm/openai-compatible-llm-adapter.js';
import { openAILLMAdapter } from './llm/openai-llm-adapter.js';
import { openRouterLLMAdapter } from './llm/openrouter-llm-adapter.js';
import { openAIRealtimeLLMAdapter } from './llm/openai-realtime-llm-adapter.js';
import { deepgramSTTAdapter } from './stt/deepgram-stt-adapter.js';
import { inferenceSTTAdapter } from './stt/inference-stt-adapter.js';
import { openAICompatibleSTTAdapter } from './stt/openai-compatible-stt-adapter.js';
import { openAISTTAdapter } from './stt/openai-stt-adapter.js';
import { cartesiaTTSAdapter } from './tts/cartesia-tts-adapter.js';
import { elevenLabsTTSAdapter } from './tts/elevenlabs-tts-adapter.js';
import { inferenceTTSAdapter } from './tts/inference-tts-adapter.js';
import { openAICompatibleTTSAdapter } from './tts/openai-compatible-tts-adapter.js';
import { openAITTSAdapter } from './tts/openai-tts-adapter.js';

/** Every built-in provider, as adapters. Custom adapters with the same modality and name take precedence. */
export const builtinAdapters: readonly AnyAdapter[] = [
  inferenceLLMAdapter,
  openAILLMAdapter,
  openAICompatibleLLMAdapter,
  openRouterLLMAdapter,
  llamaCppLLMAdapter,
  openAIRealtimeLLMAdapter,
  groqLLMAdapter,
  geminiLLMAdapter,
  anthropicLLMAdapter,
  azureOpenAILLMAdapter,
  inferenceSTTAdapter,
  deepgramSTTAdapter,
  openAISTTAdapter,
  openAICompatibleSTTAdapter,
  inferenceTTSAdapter,
  cartesiaTTSAdapter,
  elevenLabsTTSAdapter,
  openAITTSAdapter,
  openAICompatibleTTSAdapter,
];

import type { AnyAdapter } from './define-adapter.js';
import { anthropicLLMAdapter } from './anthropic/anthropic-llm-adapter.js';
import { azureOpenAILLMAdapter } from './azure-openai/azure-openai-llm-adapter.js';
import { geminiLLMAdapter } from './gemini/gemini-llm-adapter.js';
import { groqLLMAdapter } from './groq/groq-llm-adapter.js';
import { inferenceLLMAdapter } from './inference/inference-llm-adapter.js';
import { llamaCppLLMAdapter } from './llama-cpp/llama-cpp-llm-adapter.js';
import { openAICompatibleLLMAdapter } from './openai-compatible/openai-compatible-llm-adapter.js';
import { openAILLMAdapter } from './openai/openai-llm-adapter.js';
import { openRouterLLMAdapter } from './openrouter/openrouter-llm-adapter.js';
import { openAIRealtimeLLMAdapter } from './openai/openai-realtime-llm-adapter.js';
import { deepgramSTTAdapter } from './deepgram/deepgram-stt-adapter.js';
import { inferenceSTTAdapter } from './inference/inference-stt-adapter.js';
import { openAICompatibleSTTAdapter } from './openai-compatible/openai-compatible-stt-adapter.js';
import { openAISTTAdapter } from './openai/openai-stt-adapter.js';
import { voskSTTAdapter } from './vosk/vosk-stt-adapter.js';
import { cartesiaTTSAdapter } from './cartesia/cartesia-tts-adapter.js';
import { elevenLabsTTSAdapter } from './elevenlabs/elevenlabs-tts-adapter.js';
import { inferenceTTSAdapter } from './inference/inference-tts-adapter.js';
import { openAICompatibleTTSAdapter } from './openai-compatible/openai-compatible-tts-adapter.js';
import { openAITTSAdapter } from './openai/openai-tts-adapter.js';
import { piperTTSAdapter } from './piper/piper-tts-adapter.js';

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
  voskSTTAdapter,
  inferenceTTSAdapter,
  cartesiaTTSAdapter,
  elevenLabsTTSAdapter,
  openAITTSAdapter,
  openAICompatibleTTSAdapter,
  piperTTSAdapter,
];

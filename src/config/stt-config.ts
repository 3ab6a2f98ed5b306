// The built-in STT providers: each provider's options (schema and type) live in its own folder under
// src/providers/; this module only assembles them.
import { inferenceSTTOptions, type InferenceSTTConfig } from '../providers/inference/inference-stt-options.js';
import { deepgramSTTOptions, type DeepgramSTTConfig } from '../providers/deepgram/deepgram-stt-options.js';
import { openAISTTOptions, type OpenAISTTConfig } from '../providers/openai/openai-stt-options.js';
import {
  openAICompatibleSTTOptions,
  type OpenAICompatibleSTTConfig,
} from '../providers/openai-compatible/openai-compatible-stt-options.js';
import { voskSTTOptions, type VoskSTTConfig } from '../providers/vosk/vosk-stt-options.js';

export type { InferenceSTTConfig, DeepgramSTTConfig, OpenAISTTConfig, OpenAICompatibleSTTConfig, VoskSTTConfig };

/** Any built-in STT provider entry. */
export type BuiltinSTTConfig = InferenceSTTConfig | DeepgramSTTConfig | OpenAISTTConfig | OpenAICompatibleSTTConfig | VoskSTTConfig;

/** Option schemas by provider (without `provider` and `lastResort`, which the stack handles). */
export const sttOptionSchemas = {
  inference: inferenceSTTOptions,
  deepgram: deepgramSTTOptions,
  openai: openAISTTOptions,
  'openai-compatible': openAICompatibleSTTOptions,
  vosk: voskSTTOptions,
} as const;

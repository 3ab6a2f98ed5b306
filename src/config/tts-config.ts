// The built-in TTS providers: each provider's options (schema and type) live in its own folder under
// src/providers/; this module only assembles them.
import {
  inferenceTTSOptions,
  type InferenceTTSConfig,
  type InferenceTTSFallbackModel,
} from '../providers/inference/inference-tts-options.js';
import { cartesiaTTSOptions, type CartesiaTTSConfig } from '../providers/cartesia/cartesia-tts-options.js';
import {
  elevenLabsTTSOptions,
  type ElevenLabsVoiceSettings,
  type ElevenLabsTTSConfig,
} from '../providers/elevenlabs/elevenlabs-tts-options.js';
import { openAITTSOptions, type OpenAITTSConfig } from '../providers/openai/openai-tts-options.js';
import {
  openAICompatibleTTSOptions,
  type OpenAICompatibleTTSConfig,
} from '../providers/openai-compatible/openai-compatible-tts-options.js';
import { piperTTSOptions, type PiperTTSConfig } from '../providers/piper/piper-tts-options.js';

export type {
  InferenceTTSConfig,
  InferenceTTSFallbackModel,
  CartesiaTTSConfig,
  ElevenLabsVoiceSettings,
  ElevenLabsTTSConfig,
  OpenAITTSConfig,
  OpenAICompatibleTTSConfig,
  PiperTTSConfig,
};

/** Any built-in TTS provider entry. */
export type BuiltinTTSConfig =
  InferenceTTSConfig | CartesiaTTSConfig | ElevenLabsTTSConfig | OpenAITTSConfig | OpenAICompatibleTTSConfig | PiperTTSConfig;

/** Option schemas by provider (without `provider` and `lastResort`, which the stack handles). */
export const ttsOptionSchemas = {
  inference: inferenceTTSOptions,
  cartesia: cartesiaTTSOptions,
  elevenlabs: elevenLabsTTSOptions,
  openai: openAITTSOptions,
  'openai-compatible': openAICompatibleTTSOptions,
  piper: piperTTSOptions,
} as const;

import { openAICompatibleTTSOptions } from './openai-compatible-tts-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatTTS, probeSpeech } from '../openai-format/openai-format-tts.js';

/** `{ provider: 'openai-compatible' }`: a self-hosted speech server with OpenAI's `POST /audio/speech` (Kokoro …). */
export const openAICompatibleTTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'openai-compatible',
  options: openAICompatibleTTSOptions,
  model: (options) => options.model,
  create: (options, context) => createOpenAIFormatTTS(options, context, { provider: 'openai-compatible', optional: true }),
  // Self-hosted servers rarely list their models or voices the OpenAI way: a one-word synthesis is the only reliable check.
  health: (options, context) => probeSpeech(options, context),
});

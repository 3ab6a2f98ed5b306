import { ttsOptionSchemas } from '../../config/tts-config.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatTTS } from './openai-format-tts.js';

/** `{ provider: 'openai-compatible' }`: a self-hosted speech server with OpenAI's `POST /audio/speech` (Kokoro …). */
export const openAICompatibleTTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'openai-compatible',
  options: ttsOptionSchemas['openai-compatible'],
  model: (options) => options.model,
  create: (options, context) =>
    createOpenAIFormatTTS(options, context, { provider: 'openai-compatible', optional: true }),
});

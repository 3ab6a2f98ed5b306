import { ttsOptionSchemas } from '../../config/tts-config.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatTTS } from './openai-format-tts.js';

/** `{ provider: 'openai' }`: OpenAI's `POST /audio/speech` through the OpenAI plugin (one-shot, 24 kHz PCM). */
export const openAITTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'openai',
  options: ttsOptionSchemas.openai,
  model: (options) => options.model,
  create: (options, context) =>
    createOpenAIFormatTTS(options, context, { provider: 'openai', envVariable: 'OPENAI_API_KEY' }),
});

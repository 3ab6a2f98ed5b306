import { openAITTSOptions } from './openai-tts-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatTTS, probeSpeech } from '../openai-format/openai-format-tts.js';

/** `{ provider: 'openai' }`: OpenAI's `POST /audio/speech` through the OpenAI plugin (one-shot, 24 kHz PCM). */
export const openAITTSAdapter = defineAdapter({
  modality: 'tts',
  provider: 'openai',
  options: openAITTSOptions,
  model: (options) => options.model,
  create: (options, context) => createOpenAIFormatTTS(options, context, { provider: 'openai', envVariable: 'OPENAI_API_KEY' }),
  // A one-word synthesis rather than the free `GET /models`: that one passes with an exhausted quota or a wrong voice.
  health: (options, context) =>
    probeSpeech(
      {
        baseURL: options.baseURL ?? 'https://api.openai.com/v1',
        model: options.model,
        voice: options.voice,
        apiKey: options.apiKey ?? context.env.OPENAI_API_KEY,
      },
      context,
    ),
});

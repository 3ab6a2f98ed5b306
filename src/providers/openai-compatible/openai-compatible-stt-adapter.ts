import { openAICompatibleSTTOptions } from './openai-compatible-stt-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatSTT } from '../openai-format/openai-format-stt.js';
import { probeTranscription } from '../openai-format/probe-transcription.js';

/** `{ provider: 'openai-compatible' }`: a self-hosted transcription server (faster-whisper-server, whisper.cpp …). */
export const openAICompatibleSTTAdapter = defineAdapter({
  modality: 'stt',
  provider: 'openai-compatible',
  options: openAICompatibleSTTOptions,
  model: (options) => options.model,
  create: (options, context) => createOpenAIFormatSTT(options, context, { provider: 'openai-compatible', optional: true }),
  // Transcribes half a second of audio: proves the server serves this model.
  health: (options, context) => probeTranscription(options, context),
});

import { openAISTTOptions } from './openai-stt-options.js';
import { defineAdapter } from '../define-adapter.js';
import { createOpenAIFormatSTT } from '../openai-format/openai-format-stt.js';
import { probeTranscription } from '../openai-format/probe-transcription.js';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** `{ provider: 'openai' }`: OpenAI's transcriptions endpoint (gpt-4o-transcribe, Whisper), segmented by a local VAD. */
export const openAISTTAdapter = defineAdapter({
  modality: 'stt',
  provider: 'openai',
  options: openAISTTOptions,
  model: (options) => options.model,
  create: (options, context) =>
    // Not OPENAI_BASE_URL: that variable names the (often self-hosted) LLM server; STT_BASE_URL is the speech one.
    createOpenAIFormatSTT({ ...options, baseURL: options.baseURL ?? OPENAI_BASE_URL }, context, {
      provider: 'openai',
      envVariable: 'OPENAI_API_KEY',
    }),
  // Transcribes half a second of audio: proves the key and the model (billed as 0.5 s of transcription).
  health: (options, context) =>
    probeTranscription(
      { ...options, baseURL: options.baseURL ?? OPENAI_BASE_URL, apiKey: options.apiKey ?? context.env.OPENAI_API_KEY },
      context,
    ),
});

import { z } from 'zod';
import { secretString, urlSchema, type ModelId, modelIdSchema } from '../../config/schema-helpers.js';
import { openAIFormatSTTFields, type OpenAIFormatSTTBase } from '../openai-format/openai-format-options.js';

/** OpenAI transcription models. Any other id is accepted too. */
export type OpenAITranscriptionModel = 'gpt-4o-transcribe' | 'gpt-4o-mini-transcribe' | 'whisper-1';

/**
 * OpenAI's transcription endpoint (`POST /audio/transcriptions`, Whisper / gpt-4o-transcribe) through the OpenAI
 * plugin. It is not streaming: the stack cuts the audio into utterances with a local VAD (returned in
 * `sessionOptions().vad`) and transcribes each one.
 */
export interface OpenAISTTConfig extends OpenAIFormatSTTBase {
  provider: 'openai';
  /** @default "gpt-4o-transcribe" */
  model?: ModelId<OpenAITranscriptionModel>;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default "https://api.openai.com/v1" (`OPENAI_BASE_URL` is not used: it names the LLM server) */
  baseURL?: string;
}

/** The options of { provider: 'openai' } (STT), without `provider` and `lastResort` (the stack's). */
export const openAISTTOptions = z.strictObject({
  model: modelIdSchema<ModelId<OpenAITranscriptionModel>>('an OpenAI transcription model', 'gpt-4o-transcribe').default(
    'gpt-4o-transcribe',
  ),
  apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
  baseURL: urlSchema('https://api.openai.com/v1').optional(),
  ...openAIFormatSTTFields,
});

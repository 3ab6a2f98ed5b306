import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { secretString, urlSchema, type ModelId, modelIdSchema, type OptionsSchema } from '../../config/schema-helpers.js';
import { openAIFormatSTTFields } from '../openai-format/openai-format-options.js';

/** OpenAI transcription models. Any other id is accepted too. */
export type OpenAITranscriptionModel = 'gpt-4o-transcribe' | 'gpt-4o-mini-transcribe' | 'whisper-1';

const openAISTTFields = {
  /** @default "gpt-4o-transcribe" */
  model: modelIdSchema<ModelId<OpenAITranscriptionModel>>('an OpenAI transcription model', 'gpt-4o-transcribe').default(
    'gpt-4o-transcribe',
  ),
  /** @default OPENAI_API_KEY */
  apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
  /** @default "https://api.openai.com/v1" (`OPENAI_BASE_URL` is not used: it names the LLM server) */
  baseURL: urlSchema('https://api.openai.com/v1').optional(),
};

/** The options of { provider: 'openai' } (STT), without `provider` and `lastResort` (the stack's). */
export const openAISTTOptions: OptionsSchema<typeof openAISTTFields & typeof openAIFormatSTTFields> = z.strictObject({
  ...openAISTTFields,
  ...openAIFormatSTTFields,
});

/**
 * OpenAI's transcription endpoint (`POST /audio/transcriptions`, Whisper / gpt-4o-transcribe) through the OpenAI
 * plugin. It is not streaming: the stack cuts the audio into utterances with a local VAD (returned in
 * `sessionOptions().vad`) and transcribes each one.
 */
export interface OpenAISTTConfig extends EntryBase, z.input<typeof openAISTTOptions> {
  provider: 'openai';
}

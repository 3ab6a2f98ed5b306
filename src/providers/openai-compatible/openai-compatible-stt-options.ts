import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { FIX, nonEmptyString, type OptionsSchema, secretString, urlSchema, isEnglish } from '../../config/schema-helpers.js';
import { openAIFormatSTTFields } from '../openai-format/openai-format-options.js';

/** English-only Whisper checkpoints: `*.en` (OpenAI, faster-whisper) and the distil-whisper family. */
function isEnglishOnlyWhisperModel(model: string): boolean {
  return /\.en$/i.test(model) || /(^|\/)distil-(whisper|large|medium|small)/i.test(model);
}

const openAICompatibleSTTFields = {
  /** The server's base URL, e.g. `"http://whisper:8000/v1"`. Required. */
  baseURL: urlSchema('http://localhost:8000/v1'),
  /**
   * The model the server serves, e.g. `"Systran/faster-whisper-small"`. English-only models (names ending in
   * `.en`, or `distil-whisper` models) are rejected with a non-English `language`.
   */
  model: nonEmptyString('the model name the server serves', 'Systran/faster-whisper-small'),
  /** @default none (most self-hosted servers need no key) */
  apiKey: secretString('API key').optional(),
};

/** The options of { provider: 'openai-compatible' } (STT), without `provider` and `lastResort` (the stack's). */
export const openAICompatibleSTTOptions: OptionsSchema<typeof openAICompatibleSTTFields & typeof openAIFormatSTTFields> = z
  .strictObject({ ...openAICompatibleSTTFields, ...openAIFormatSTTFields })
  .refine((options) => isEnglish(options.language) || !isEnglishOnlyWhisperModel(options.model), {
    path: ['model'],
    error: `expected a multilingual model for a non-English \`language\`${FIX}use a model without the ".en" suffix (e.g. "Systran/faster-whisper-small"), or set \`language: "en"\`.`,
  });

/**
 * A self-hosted OpenAI-compatible transcription server (faster-whisper-server / speaches, whisper.cpp server,
 * LocalAI, vLLM …), segmented by a local VAD like {@link OpenAISTTConfig}.
 */
export interface OpenAICompatibleSTTConfig extends EntryBase, z.input<typeof openAICompatibleSTTOptions> {
  provider: 'openai-compatible';
}

import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import {
  FIX,
  nonEmptyString,
  secretString,
  urlSchema,
  languageSchema,
  type ModelId,
  modelIdSchema,
  type OptionsSchema,
} from '../../config/schema-helpers.js';
import { openAIFormatSpeed } from '../openai-format/openai-format-options.js';

/** OpenAI speech models. Any other id is accepted too. */
export type OpenAITTSModel = 'gpt-4o-mini-tts' | 'tts-1' | 'tts-1-hd';

const openAITTSFields = {
  /** `gpt-4o-mini-tts`, `tts-1`, `tts-1-hd`. @default "gpt-4o-mini-tts" */
  model: modelIdSchema<ModelId<OpenAITTSModel>>('an OpenAI TTS model', 'gpt-4o-mini-tts').default('gpt-4o-mini-tts'),
  /** `alloy`, `ash`, `ballad`, `coral`, `echo`, `fable`, `nova`, `onyx`, `sage`, `shimmer` … @default "alloy" */
  voice: nonEmptyString('a voice name', 'alloy').default('alloy'),
  /** Speaking rate, 0.25–4. @default 1 */
  speed: openAIFormatSpeed.optional(),
  /** How to speak (tone, accent, pace); `gpt-4o-mini-tts` only. */
  instructions: z.string({ error: `expected a string${FIX}describe the tone, e.g. "Speak calmly."` }).optional(),
  /**
   * Not sent: OpenAI-format voices read the language from the text. Accepted so that one `language` can be
   * written on every entry of a chain.
   */
  language: languageSchema.optional(),
  /** @default OPENAI_API_KEY */
  apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
  /** @default "https://api.openai.com/v1" (OPENAI_BASE_URL is not used: it points the LLM at a self-hosted server) */
  baseURL: urlSchema('https://api.openai.com/v1').optional(),
};

/** The options of { provider: 'openai' } (TTS), without `provider` and `lastResort` (the stack's). */
export const openAITTSOptions: OptionsSchema<typeof openAITTSFields> = z
  .strictObject(openAITTSFields)
  .refine((options) => options.instructions === undefined || !/^tts-1/.test(options.model), {
    path: ['instructions'],
    error: `expected no \`instructions\` with tts-1 models${FIX}use model "gpt-4o-mini-tts", or remove \`instructions\`.`,
  });

/** OpenAI's speech endpoint through `@livekit/agents-plugin-openai`. */
export interface OpenAITTSConfig extends EntryBase, z.input<typeof openAITTSOptions> {
  provider: 'openai';
}

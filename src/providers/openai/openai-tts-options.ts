import { z } from 'zod';
import { FIX, nonEmptyString, secretString, urlSchema, languageSchema, type ModelId, modelIdSchema } from '../../config/schema-helpers.js';
import { openAIFormatSpeed, type OpenAIFormatTTSBase } from '../openai-format/openai-format-options.js';

/** OpenAI speech models. Any other id is accepted too. */
export type OpenAITTSModel = 'gpt-4o-mini-tts' | 'tts-1' | 'tts-1-hd';

/** OpenAI's speech endpoint through `@livekit/agents-plugin-openai`. */
export interface OpenAITTSConfig extends OpenAIFormatTTSBase {
  provider: 'openai';
  /** `gpt-4o-mini-tts`, `tts-1`, `tts-1-hd`. @default "gpt-4o-mini-tts" */
  model?: ModelId<OpenAITTSModel>;
  /** `alloy`, `ash`, `ballad`, `coral`, `echo`, `fable`, `nova`, `onyx`, `sage`, `shimmer` … @default "alloy" */
  voice?: string;
  /** How to speak (tone, accent, pace); `gpt-4o-mini-tts` only. */
  instructions?: string;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default "https://api.openai.com/v1" (OPENAI_BASE_URL is not used: it points the LLM at a self-hosted server) */
  baseURL?: string;
}

/** The options of { provider: 'openai' } (TTS), without `provider` and `lastResort` (the stack's). */
export const openAITTSOptions = z
  .strictObject({
    model: modelIdSchema<ModelId<OpenAITTSModel>>('an OpenAI TTS model', 'gpt-4o-mini-tts').default('gpt-4o-mini-tts'),
    voice: nonEmptyString('a voice name', 'alloy').default('alloy'),
    speed: openAIFormatSpeed.optional(),
    instructions: z.string({ error: `expected a string${FIX}describe the tone, e.g. "Speak calmly."` }).optional(),
    language: languageSchema.optional(),
    apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
    baseURL: urlSchema('https://api.openai.com/v1').optional(),
  })
  .refine((options) => options.instructions === undefined || !/^tts-1/.test(options.model), {
    path: ['instructions'],
    error: `expected no \`instructions\` with tts-1 models${FIX}use model "gpt-4o-mini-tts", or remove \`instructions\`.`,
  });

import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import { FIX, nonEmptyString, type OptionsSchema, secretString, urlSchema } from '../../config/schema-helpers.js';

const openAIRealtimeLLMFields = {
  /** @default "gpt-realtime" */
  model: nonEmptyString('a realtime model', 'gpt-realtime').default('gpt-realtime'),
  /** `marin`, `cedar`, `alloy`, `ash`, `ballad`, `coral`, `echo`, `sage`, `shimmer`, `verse`. @default "marin" */
  voice: nonEmptyString('a voice name', 'marin').default('marin'),
  /** Speaking rate, 0.25–1.5. @default 1 */
  speed: z
    .number({ error: `expected a speed as a number${FIX}use a value between 0.25 and 1.5 (1 is normal).` })
    .min(0.25, { error: `expected a speed >= 0.25${FIX}use a value between 0.25 and 1.5 (1 is normal).` })
    .max(1.5, { error: `expected a speed <= 1.5${FIX}use a value between 0.25 and 1.5 (1 is normal).` })
    .optional(),
  /** Language of the user's speech, a hint for its transcription. @default auto */
  language: z
    .string({ error: `expected a language code${FIX}use a code such as "en" or "fr".` })
    .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, { error: `expected a language code${FIX}use a code such as "en" or "fr".` })
    .optional(),
  /** Model that transcribes the user's speech (for transcripts and events). @default "gpt-4o-mini-transcribe" */
  transcriptionModel: nonEmptyString('a transcription model', 'gpt-4o-mini-transcribe').optional(),
  /** @default OPENAI_API_KEY */
  apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
  /** @default "https://api.openai.com/v1" (the plugin turns it into `wss://…/realtime`) */
  baseURL: urlSchema('https://api.openai.com/v1').optional(),
};

/** The options of { provider: 'openai-realtime' } (LLM), without `provider` and `lastResort` (the stack's). */
export const openAIRealtimeLLMOptions: OptionsSchema<typeof openAIRealtimeLLMFields> = z.strictObject(openAIRealtimeLLMFields);

/**
 * OpenAI's speech-to-speech model (`openai.realtime.RealtimeModel`): it hears and speaks itself, so `stt` and `tts`
 * may be omitted. It cannot be part of an LLM chain.
 */
export interface OpenAIRealtimeLLMConfig extends EntryBase, z.input<typeof openAIRealtimeLLMOptions> {
  provider: 'openai-realtime';
}

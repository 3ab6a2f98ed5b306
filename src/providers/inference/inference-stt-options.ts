import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import {
  FIX,
  nonEmptyString,
  secretString,
  urlSchema,
  languageCode,
  modelIdSchema,
  type ModelId,
  type OptionsSchema,
} from '../../config/schema-helpers.js';

/** LiveKit Inference STT models (from `inference.STTModels` of @livekit/agents); a `:<language>` suffix is accepted. Any other id is accepted too. */
export type InferenceSTTModel =
  | 'deepgram/nova-3'
  | 'deepgram/nova-3-medical'
  | 'deepgram/nova-2'
  | 'deepgram/nova-2-medical'
  | 'deepgram/nova-2-conversationalai'
  | 'deepgram/nova-2-phonecall'
  | 'deepgram/flux-general-en'
  | 'cartesia/ink-whisper'
  | 'assemblyai/universal-streaming'
  | 'assemblyai/universal-streaming-multilingual'
  | 'auto';

const inferenceSTTFields = {
  /**
   * Model string, e.g. `"deepgram/nova-3"`, `"assemblyai/universal-streaming"`, or with a language suffix
   * `"deepgram/nova-3:fr"`. `"auto"` lets the gateway pick a model for the language.
   * @default "deepgram/nova-3"
   */
  model: modelIdSchema<ModelId<InferenceSTTModel>>('an Inference STT model string', 'deepgram/nova-3').default('deepgram/nova-3'),
  /** Language code such as `"en"`, `"fr"` or `"multi"`. Overrides a `:lang` suffix of `model`. @default the model's suffix, else "en" */
  language: languageCode('en').optional(),
  /**
   * Inference's own server-side fallback: models the gateway switches to when the first one fails, within the same
   * connection (e.g. `["assemblyai/universal-streaming"]`). A `:lang` suffix is ignored here.
   * @default none
   */
  fallback: z
    .array(nonEmptyString('an Inference STT model string', 'assemblyai/universal-streaming'), {
      error: `expected an array of model strings${FIX}e.g. ["assemblyai/universal-streaming"].`,
    })
    .optional(),
  /** Provider-specific settings sent as `settings.extra` (e.g. `{ endpointing: 50 }` for Deepgram models). */
  modelOptions: z.record(z.string(), z.unknown(), { error: `expected an object${FIX}e.g. { endpointing: 50 }.` }).optional(),
  /** @default LIVEKIT_INFERENCE_API_KEY, then LIVEKIT_API_KEY */
  apiKey: secretString('LiveKit API key', 'LIVEKIT_API_KEY').optional(),
  /** @default LIVEKIT_INFERENCE_API_SECRET, then LIVEKIT_API_SECRET */
  apiSecret: secretString('LiveKit API secret', 'LIVEKIT_API_SECRET').optional(),
  /** @default LIVEKIT_INFERENCE_URL, then LiveKit's gateway */
  baseURL: urlSchema('https://agent-gateway.livekit.cloud/v1').optional(),
};

/** The options of { provider: 'inference' } (STT), without `provider` and `lastResort` (the stack's). */
export const inferenceSTTOptions: OptionsSchema<typeof inferenceSTTFields> = z.strictObject(inferenceSTTFields);

/**
 * LiveKit Inference STT (`inference.STT`): one WebSocket to LiveKit's gateway, which runs the model and can fall
 * back server-side to other models.
 */
export interface InferenceSTTConfig extends EntryBase, z.input<typeof inferenceSTTOptions> {
  provider: 'inference';
}

import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import {
  FIX,
  nonEmptyString,
  secretString,
  urlSchema,
  languageSchema,
  sampleRateSchema,
  modelIdSchema,
  type ModelId,
  type OptionsSchema,
} from '../../config/schema-helpers.js';

/** LiveKit Inference TTS models (from `inference.TTSModels` of @livekit/agents); a `:<voice>` suffix is accepted. Any other id is accepted too. */
export type InferenceTTSModel =
  | 'cartesia/sonic-3'
  | 'cartesia/sonic-2'
  | 'cartesia/sonic-turbo'
  | 'cartesia/sonic'
  | 'deepgram/aura-2'
  | 'rime/mistv2'
  | 'inworld/inworld-tts-1';

const fallbackModelFields = {
  /** e.g. `"deepgram/aura-2"` */
  model: nonEmptyString('a fallback model string', 'deepgram/aura-2'),
  /** The voice for that model. */
  voice: nonEmptyString("the fallback model's voice", 'athena-en'),
  /** Provider-specific options for that model. */
  extra: z.record(z.string(), z.unknown()).optional(),
};
const fallbackModel: OptionsSchema<typeof fallbackModelFields> = z.strictObject(fallbackModelFields);

/** One server-side fallback model of LiveKit Inference TTS. */
export interface InferenceTTSFallbackModel extends z.input<typeof fallbackModel> {}

const inferenceTTSFields = {
  /** Model string, e.g. `"cartesia/sonic-turbo"`, `"deepgram/aura-2"`, `"rime/mistv2"`, `"inworld/inworld-tts-1"` (LiveKit's list of Inference models, or any other). */
  model: modelIdSchema<ModelId<InferenceTTSModel>>('an Inference TTS model string', 'cartesia/sonic-turbo'),
  /**
   * The provider's voice id.
   * @default for `cartesia/*` models and a non-English `language`, a native voice of that language (see docs/providers/inference.md); otherwise the gateway's default
   */
  voice: nonEmptyString('a voice id', 'f786b574-daa5-4673-aa0c-cbe3e8534c02').optional(),
  /** Language code (`"en"`, `"fr"`, `"pt-BR"` …). @default "en" */
  language: languageSchema.optional(),
  /** @default LIVEKIT_INFERENCE_API_KEY, then LIVEKIT_API_KEY */
  apiKey: secretString('LiveKit API key', 'LIVEKIT_API_KEY').optional(),
  /** @default LIVEKIT_INFERENCE_API_SECRET, then LIVEKIT_API_SECRET */
  apiSecret: secretString('LiveKit API secret', 'LIVEKIT_API_SECRET').optional(),
  /** @default LIVEKIT_INFERENCE_URL, then LiveKit's gateway */
  baseURL: urlSchema('https://agent-gateway.livekit.cloud/v1').optional(),
  /**
   * Inference's own server-side fallback: models tried by the gateway when the first one fails, as
   * `"provider/model:voice"` strings or objects. This is separate from (and inside) the stack's chain.
   */
  fallback: z
    .array(
      z.union([nonEmptyString('a fallback model string', 'deepgram/aura-2:athena-en'), fallbackModel], {
        error: `expected "provider/model:voice" or { model, voice }${FIX}e.g. "deepgram/aura-2:athena-en".`,
      }),
      { error: `expected an array of fallback models${FIX}e.g. ["deepgram/aura-2:athena-en"].` },
    )
    .optional(),
  /** Provider-specific options sent as the session's `extra` payload (e.g. `{ speed: 'fast' }` for Cartesia). */
  modelOptions: z.record(z.string(), z.unknown()).optional(),
  /** Output sample rate in Hz. @default 16000 */
  sampleRate: sampleRateSchema([8000, 16000, 22050, 24000, 44100, 48000], 16000).optional(),
};

/** The options of { provider: 'inference' } (TTS), without `provider` and `lastResort` (the stack's). */
export const inferenceTTSOptions: OptionsSchema<typeof inferenceTTSFields> = z.strictObject(inferenceTTSFields);

/**
 * LiveKit Inference (LiveKit Cloud's gateway): `inference.TTS`, streamed over a WebSocket.
 * A voice may also be given in the model string: `"cartesia/sonic-3:<voice id>"`.
 */
export interface InferenceTTSConfig extends EntryBase, z.input<typeof inferenceTTSOptions> {
  provider: 'inference';
}

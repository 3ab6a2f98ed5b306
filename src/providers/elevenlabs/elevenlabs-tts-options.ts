import { z } from 'zod';
import type { EntryBase } from '../../config/entry-base.js';
import {
  FIX,
  nonEmptyString,
  secretString,
  urlSchema,
  languageSchema,
  sampleRateSchema,
  isEnglish,
  type ModelId,
  modelIdSchema,
  type OptionsSchema,
} from '../../config/schema-helpers.js';

/** ElevenLabs' models (from the ElevenLabs plugin's `TTSModels`). Any other id is accepted too. */
export type ElevenLabsTTSModel =
  | 'eleven_turbo_v2_5'
  | 'eleven_flash_v2_5'
  | 'eleven_multilingual_v2'
  | 'eleven_v3'
  | 'eleven_turbo_v2'
  | 'eleven_flash_v2'
  | 'eleven_monolingual_v1'
  | 'eleven_multilingual_v1';

/** ElevenLabs models that speak English only. */
const ELEVENLABS_ENGLISH_ONLY_MODELS: readonly string[] = ['eleven_monolingual_v1', 'eleven_turbo_v2', 'eleven_flash_v2'];

const unitInterval = (what: string) =>
  z
    .number({ error: `expected ${what} as a number between 0 and 1${FIX}use e.g. 0.5.` })
    .min(0, { error: `expected ${what} >= 0${FIX}use a number between 0 and 1.` })
    .max(1, { error: `expected ${what} <= 1${FIX}use a number between 0 and 1.` });

const voiceSettingsFields = {
  /** Lower is more expressive, higher more consistent. */
  stability: unitInterval('`stability`').optional(),
  /** How closely to match the original voice. */
  similarityBoost: unitInterval('`similarityBoost`').optional(),
  /** Style exaggeration (adds latency when above 0). */
  style: unitInterval('`style`').optional(),
  /** Speaking rate, 0.7–1.2. */
  speed: z
    .number({ error: `expected a speed as a number${FIX}use a value between 0.7 and 1.2.` })
    .min(0.7, { error: `expected a speed >= 0.7${FIX}use a value between 0.7 and 1.2.` })
    .max(1.2, { error: `expected a speed <= 1.2${FIX}use a value between 0.7 and 1.2.` })
    .optional(),
  /** Boosts similarity to the original speaker (adds a little latency). */
  useSpeakerBoost: z.boolean({ error: `expected true or false${FIX}use \`useSpeakerBoost: true\`.` }).optional(),
};
const voiceSettings: OptionsSchema<typeof voiceSettingsFields> = z.strictObject(voiceSettingsFields);

/** ElevenLabs voice settings (each 0–1 unless noted). Unset fields keep the voice's own settings. */
export interface ElevenLabsVoiceSettings extends z.input<typeof voiceSettings> {}

const elevenLabsTTSFields = {
  /** A voice id. @default "bIHbv24MWmeRgasZH58o" (the plugin's default) */
  voice: nonEmptyString('an ElevenLabs voice id', 'bIHbv24MWmeRgasZH58o').optional(),
  /**
   * `eleven_turbo_v2_5`, `eleven_flash_v2_5`, `eleven_multilingual_v2`, `eleven_v3` … The English-only models
   * (`eleven_monolingual_v1`, `eleven_turbo_v2`, `eleven_flash_v2`) are refused with a non-English `language`.
   * @default "eleven_turbo_v2_5"
   */
  model: modelIdSchema<ModelId<ElevenLabsTTSModel>>('an ElevenLabs model', 'eleven_turbo_v2_5').default('eleven_turbo_v2_5'),
  /** Language code, sent as `language_code` (enforces the language on multilingual models). @default none (auto) */
  language: languageSchema.optional(),
  /** ElevenLabs voice settings (each 0–1 unless noted). Unset fields keep the voice's own settings. */
  voiceSettings: voiceSettings.optional(),
  /** Output sample rate in Hz (PCM). @default 22050 */
  sampleRate: sampleRateSchema([16000, 22050, 24000, 44100], 22050).default(22050),
  /** @default ELEVEN_API_KEY */
  apiKey: secretString('ElevenLabs API key', 'ELEVEN_API_KEY').optional(),
  /** @default "https://api.elevenlabs.io/v1" */
  baseURL: urlSchema('https://api.elevenlabs.io/v1').optional(),
};

/** The options of { provider: 'elevenlabs' } (TTS), without `provider` and `lastResort` (the stack's). */
export const elevenLabsTTSOptions: OptionsSchema<typeof elevenLabsTTSFields> = z
  .strictObject(elevenLabsTTSFields)
  .refine((options) => !(options.language && !isEnglish(options.language) && ELEVENLABS_ENGLISH_ONLY_MODELS.includes(options.model)), {
    path: ['model'],
    error: `expected a multilingual model for a non-English \`language\`${FIX}use "eleven_turbo_v2_5", "eleven_flash_v2_5" or "eleven_multilingual_v2".`,
  });

/** ElevenLabs through `@livekit/agents-plugin-elevenlabs` (streaming over a WebSocket). */
export interface ElevenLabsTTSConfig extends EntryBase, z.input<typeof elevenLabsTTSOptions> {
  provider: 'elevenlabs';
}

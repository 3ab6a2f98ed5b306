import { z } from 'zod';
import type { EntryBase } from './llm-config.js';
import { FIX, nonEmptyString, secretString, urlSchema } from './schema-helpers.js';

/**
 * LiveKit Inference (LiveKit Cloud's gateway): `inference.TTS`, streamed over a WebSocket.
 * A voice may also be given in the model string: `"cartesia/sonic-3:<voice id>"`.
 */
export interface InferenceTTSConfig extends EntryBase {
  provider: 'inference';
  /** Model string, e.g. `"cartesia/sonic-turbo"`, `"deepgram/aura-2"`, `"rime/mistv2"`, `"inworld/inworld-tts-1"`. */
  model: string;
  /**
   * The provider's voice id.
   * @default for `cartesia/*` models and a non-English `language`, a native voice of that language (see docs/providers/inference.md); otherwise the gateway's default
   */
  voice?: string;
  /** Language code (`"en"`, `"fr"`, `"pt-BR"` …). @default "en" */
  language?: string;
  /** @default LIVEKIT_INFERENCE_API_KEY, then LIVEKIT_API_KEY */
  apiKey?: string;
  /** @default LIVEKIT_INFERENCE_API_SECRET, then LIVEKIT_API_SECRET */
  apiSecret?: string;
  /** @default LIVEKIT_INFERENCE_URL, then LiveKit's gateway */
  baseURL?: string;
  /**
   * Inference's own server-side fallback: models tried by the gateway when the first one fails, as
   * `"provider/model:voice"` strings or objects. This is separate from (and inside) the stack's chain.
   */
  fallback?: (string | InferenceTTSFallbackModel)[];
  /** Provider-specific options sent as the session's `extra` payload (e.g. `{ speed: 'fast' }` for Cartesia). */
  modelOptions?: Record<string, unknown>;
  /** Output sample rate in Hz. @default 16000 */
  sampleRate?: number;
}

/** One server-side fallback model of LiveKit Inference TTS. */
export interface InferenceTTSFallbackModel {
  /** e.g. `"deepgram/aura-2"` */
  model: string;
  /** The voice for that model. */
  voice: string;
  /** Provider-specific options for that model. */
  extra?: Record<string, unknown>;
}

/** Cartesia through `@livekit/agents-plugin-cartesia` (streaming over a WebSocket). */
export interface CartesiaTTSConfig extends EntryBase {
  provider: 'cartesia';
  /**
   * `sonic-3` (the plugin's default: the most languages, and the only one with `speed`/`volume` controls),
   * `sonic-turbo` (lowest latency), `sonic-2` …
   * @default "sonic-3"
   */
  model?: string;
  /**
   * A Cartesia voice id.
   * @default a native voice of `language` for en, fr, de, es, pt, ja and zh (see docs/providers/cartesia.md), else the English default
   */
  voice?: string;
  /** Language code. @default "en" */
  language?: string;
  /** Speaking rate: a number (sonic-3: 0.6–2.0) or `"slowest"` … `"fastest"`. @default Cartesia's default */
  speed?: number | 'fastest' | 'fast' | 'normal' | 'slow' | 'slowest';
  /** Volume (sonic-3: 0.5–2.0). @default Cartesia's default */
  volume?: number;
  /** Output sample rate in Hz. @default 24000 */
  sampleRate?: 8000 | 16000 | 22050 | 24000 | 44100 | 48000;
  /** @default CARTESIA_API_KEY, read when the stack is created */
  apiKey?: string;
  /** @default "https://api.cartesia.ai" */
  baseURL?: string;
}

/** ElevenLabs voice settings (each 0–1 unless noted). Unset fields keep the voice's own settings. */
export interface ElevenLabsVoiceSettings {
  /** Lower is more expressive, higher more consistent. */
  stability?: number;
  /** How closely to match the original voice. */
  similarityBoost?: number;
  /** Style exaggeration (adds latency when above 0). */
  style?: number;
  /** Speaking rate, 0.7–1.2. */
  speed?: number;
  /** Boosts similarity to the original speaker (adds a little latency). */
  useSpeakerBoost?: boolean;
}

/** ElevenLabs through `@livekit/agents-plugin-elevenlabs` (streaming over a WebSocket). */
export interface ElevenLabsTTSConfig extends EntryBase {
  provider: 'elevenlabs';
  /** A voice id. @default "bIHbv24MWmeRgasZH58o" (the plugin's default) */
  voice?: string;
  /**
   * `eleven_turbo_v2_5`, `eleven_flash_v2_5`, `eleven_multilingual_v2`, `eleven_v3` … The English-only models
   * (`eleven_monolingual_v1`, `eleven_turbo_v2`, `eleven_flash_v2`) are refused with a non-English `language`.
   * @default "eleven_turbo_v2_5"
   */
  model?: string;
  /** Language code, sent as `language_code` (enforces the language on multilingual models). @default none (auto) */
  language?: string;
  voiceSettings?: ElevenLabsVoiceSettings;
  /** Output sample rate in Hz (PCM). @default 22050 */
  sampleRate?: 16000 | 22050 | 24000 | 44100;
  /** @default ELEVEN_API_KEY */
  apiKey?: string;
  /** @default "https://api.elevenlabs.io/v1" */
  baseURL?: string;
}

/** Options shared by the OpenAI-format TTS providers (one-shot `POST /audio/speech`, 24 kHz PCM). */
export interface OpenAIFormatTTSBase extends EntryBase {
  /** Speaking rate, 0.25–4. @default 1 */
  speed?: number;
  /**
   * Not sent: OpenAI-format voices read the language from the text. Accepted so that one `language` can be
   * written on every entry of a chain.
   */
  language?: string;
}

/** OpenAI's speech endpoint through `@livekit/agents-plugin-openai`. */
export interface OpenAITTSConfig extends OpenAIFormatTTSBase {
  provider: 'openai';
  /** `gpt-4o-mini-tts`, `tts-1`, `tts-1-hd`. @default "gpt-4o-mini-tts" */
  model?: string;
  /** `alloy`, `ash`, `ballad`, `coral`, `echo`, `fable`, `nova`, `onyx`, `sage`, `shimmer` … @default "alloy" */
  voice?: string;
  /** How to speak (tone, accent, pace); `gpt-4o-mini-tts` only. */
  instructions?: string;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default "https://api.openai.com/v1" (OPENAI_BASE_URL is not used: it points the LLM at a self-hosted server) */
  baseURL?: string;
}

/** A self-hosted OpenAI-compatible speech server (Kokoro-FastAPI, openedai-speech, LocalAI …). */
export interface OpenAICompatibleTTSConfig extends OpenAIFormatTTSBase {
  provider: 'openai-compatible';
  /** The server's base URL, e.g. `"http://kokoro:8880/v1"`. Required. */
  baseURL: string;
  /** The model name the server serves, e.g. `"kokoro"`. Required. */
  model: string;
  /** The server's voice name, e.g. `"af_bella"` for Kokoro. @default "alloy" */
  voice?: string;
  /** How to speak, for servers that support it. */
  instructions?: string;
  /** @default none (most self-hosted servers need no key) */
  apiKey?: string;
}

/** Any built-in TTS provider entry. */
export type BuiltinTTSConfig = InferenceTTSConfig | CartesiaTTSConfig | ElevenLabsTTSConfig | OpenAITTSConfig | OpenAICompatibleTTSConfig;

/** A BCP 47-like language code: `fr`, `pt-BR`, `cmn`. */
export const languageSchema = z
  .string({ error: `expected a language code${FIX}use a code such as "en", "fr" or "pt-BR".` })
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, { error: `expected a language code${FIX}use a code such as "en", "fr" or "pt-BR".` });

const unitInterval = (what: string) =>
  z
    .number({ error: `expected ${what} as a number between 0 and 1${FIX}use e.g. 0.5.` })
    .min(0, { error: `expected ${what} >= 0${FIX}use a number between 0 and 1.` })
    .max(1, { error: `expected ${what} <= 1${FIX}use a number between 0 and 1.` });

const sampleRateSchema = <const T extends readonly number[]>(rates: T, fallbackExample: number) =>
  z
    .number({ error: `expected a sample rate in Hz${FIX}use one of ${rates.join(', ')}.` })
    .refine((value): value is T[number] => rates.includes(value), {
      error: `expected a supported sample rate${FIX}use one of ${rates.join(', ')} (e.g. ${fallbackExample}).`,
    });

const openAIFormatSpeed = z
  .number({ error: `expected a speed as a number${FIX}use a value between 0.25 and 4 (1 is normal).` })
  .min(0.25, { error: `expected a speed >= 0.25${FIX}use a value between 0.25 and 4 (1 is normal).` })
  .max(4, { error: `expected a speed <= 4${FIX}use a value between 0.25 and 4 (1 is normal).` });

/** ElevenLabs models that speak English only. */
export const ELEVENLABS_ENGLISH_ONLY_MODELS: readonly string[] = ['eleven_monolingual_v1', 'eleven_turbo_v2', 'eleven_flash_v2'];

const isEnglish = (language: string) => /^en([-_]|$)/i.test(language);

/** Option schemas (without `provider` and `lastResort`, which the stack handles). */
export const ttsOptionSchemas = {
  inference: z.strictObject({
    model: nonEmptyString('an Inference TTS model string', 'cartesia/sonic-turbo'),
    voice: nonEmptyString('a voice id', 'f786b574-daa5-4673-aa0c-cbe3e8534c02').optional(),
    language: languageSchema.optional(),
    apiKey: secretString('LiveKit API key', 'LIVEKIT_API_KEY').optional(),
    apiSecret: secretString('LiveKit API secret', 'LIVEKIT_API_SECRET').optional(),
    baseURL: urlSchema('https://agent-gateway.livekit.cloud/v1').optional(),
    fallback: z
      .array(
        z.union(
          [
            nonEmptyString('a fallback model string', 'deepgram/aura-2:athena-en'),
            z.strictObject({
              model: nonEmptyString('a fallback model string', 'deepgram/aura-2'),
              voice: nonEmptyString("the fallback model's voice", 'athena-en'),
              extra: z.record(z.string(), z.unknown()).optional(),
            }),
          ],
          { error: `expected "provider/model:voice" or { model, voice }${FIX}e.g. "deepgram/aura-2:athena-en".` },
        ),
        { error: `expected an array of fallback models${FIX}e.g. ["deepgram/aura-2:athena-en"].` },
      )
      .optional(),
    modelOptions: z.record(z.string(), z.unknown()).optional(),
    sampleRate: sampleRateSchema([8000, 16000, 22050, 24000, 44100, 48000], 16000).optional(),
  }),
  cartesia: z.strictObject({
    model: nonEmptyString('a Cartesia model', 'sonic-3').default('sonic-3'),
    voice: nonEmptyString('a Cartesia voice id', 'f786b574-daa5-4673-aa0c-cbe3e8534c02').optional(),
    language: languageSchema.default('en'),
    speed: z
      .union([z.number(), z.enum(['fastest', 'fast', 'normal', 'slow', 'slowest'])], {
        error: `expected a number or "slowest" … "fastest"${FIX}use e.g. 1.1 (sonic-3) or "fast".`,
      })
      .optional(),
    volume: z.number({ error: `expected a volume as a number${FIX}use a value between 0.5 and 2 (sonic-3).` }).optional(),
    sampleRate: sampleRateSchema([8000, 16000, 22050, 24000, 44100, 48000], 24000).default(24000),
    apiKey: secretString('Cartesia API key', 'CARTESIA_API_KEY').optional(),
    baseURL: urlSchema('https://api.cartesia.ai').optional(),
  }),
  elevenlabs: z
    .strictObject({
      voice: nonEmptyString('an ElevenLabs voice id', 'bIHbv24MWmeRgasZH58o').optional(),
      model: nonEmptyString('an ElevenLabs model', 'eleven_turbo_v2_5').default('eleven_turbo_v2_5'),
      language: languageSchema.optional(),
      voiceSettings: z
        .strictObject({
          stability: unitInterval('`stability`').optional(),
          similarityBoost: unitInterval('`similarityBoost`').optional(),
          style: unitInterval('`style`').optional(),
          speed: z
            .number({ error: `expected a speed as a number${FIX}use a value between 0.7 and 1.2.` })
            .min(0.7, { error: `expected a speed >= 0.7${FIX}use a value between 0.7 and 1.2.` })
            .max(1.2, { error: `expected a speed <= 1.2${FIX}use a value between 0.7 and 1.2.` })
            .optional(),
          useSpeakerBoost: z.boolean({ error: `expected true or false${FIX}use \`useSpeakerBoost: true\`.` }).optional(),
        })
        .optional(),
      sampleRate: sampleRateSchema([16000, 22050, 24000, 44100], 22050).default(22050),
      apiKey: secretString('ElevenLabs API key', 'ELEVEN_API_KEY').optional(),
      baseURL: urlSchema('https://api.elevenlabs.io/v1').optional(),
    })
    .refine((options) => !(options.language && !isEnglish(options.language) && ELEVENLABS_ENGLISH_ONLY_MODELS.includes(options.model)), {
      path: ['model'],
      error: `expected a multilingual model for a non-English \`language\`${FIX}use "eleven_turbo_v2_5", "eleven_flash_v2_5" or "eleven_multilingual_v2".`,
    }),
  openai: z
    .strictObject({
      model: nonEmptyString('an OpenAI TTS model', 'gpt-4o-mini-tts').default('gpt-4o-mini-tts'),
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
    }),
  'openai-compatible': z.strictObject({
    baseURL: urlSchema('http://localhost:8880/v1'),
    model: nonEmptyString('the model name the server serves', 'kokoro'),
    voice: nonEmptyString('a voice name', 'af_bella').default('alloy'),
    speed: openAIFormatSpeed.optional(),
    instructions: z.string({ error: `expected a string${FIX}describe the tone, e.g. "Speak calmly."` }).optional(),
    language: languageSchema.optional(),
    apiKey: secretString('API key').optional(),
  }),
} as const;

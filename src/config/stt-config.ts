import { z } from 'zod';
import type { EntryBase } from './llm-config.js';
import { FIX, nonEmptyString, secretString, urlSchema } from './schema-helpers.js';

/**
 * LiveKit Inference STT (`inference.STT`): one WebSocket to LiveKit's gateway, which runs the model and can fall
 * back server-side to other models.
 */
export interface InferenceSTTConfig extends EntryBase {
  provider: 'inference';
  /**
   * Model string, e.g. `"deepgram/nova-3"`, `"assemblyai/universal-streaming"`, or with a language suffix
   * `"deepgram/nova-3:fr"`. `"auto"` lets the gateway pick a model for the language.
   * @default "deepgram/nova-3"
   */
  model?: string;
  /** Language code such as `"en"`, `"fr"` or `"multi"`. Overrides a `:lang` suffix of `model`. @default the model's suffix, else "en" */
  language?: string;
  /**
   * Inference's own server-side fallback: models the gateway switches to when the first one fails, within the same
   * connection (e.g. `["assemblyai/universal-streaming"]`). A `:lang` suffix is ignored here.
   * @default none
   */
  fallback?: string[];
  /** Provider-specific settings sent as `settings.extra` (e.g. `{ endpointing: 50 }` for Deepgram models). */
  modelOptions?: Record<string, unknown>;
  /** @default LIVEKIT_INFERENCE_API_KEY, then LIVEKIT_API_KEY */
  apiKey?: string;
  /** @default LIVEKIT_INFERENCE_API_SECRET, then LIVEKIT_API_SECRET */
  apiSecret?: string;
  /** @default LIVEKIT_INFERENCE_URL, then LiveKit's gateway */
  baseURL?: string;
}

/** Deepgram live streaming STT through `@livekit/agents-plugin-deepgram`. */
export interface DeepgramSTTConfig extends EntryBase {
  provider: 'deepgram';
  /**
   * Deepgram model. English-only variants (`nova-2-phonecall`, `nova-2-medical`, `nova-3-general` …) are replaced
   * by `nova-2-general` (with a warning) when `language` is not English.
   * @default "nova-3"
   */
  model?: string;
  /** Language code, e.g. `"en"`, `"fr"`, or `"multi"` (nova-3 / nova-2 code-switching). @default "en" */
  language?: string;
  /** Silence (ms) after which Deepgram ends an utterance (`endpointing`). @default 25 */
  endpointingMs?: number;
  /** Words to boost, as Deepgram `keyterm` prompts (nova-3). @default none */
  keyterms?: string[];
  /** Send interim transcripts. @default true */
  interimResults?: boolean;
  /** @default DEEPGRAM_API_KEY */
  apiKey?: string;
  /** Deepgram's base URL (a proxy or a test mock); `http(s)` is turned into `ws(s)` for streaming. @default "wss://api.deepgram.com" */
  baseURL?: string;
}

/** Fields shared by the OpenAI-format (transcriptions endpoint) STT providers. */
export interface OpenAIFormatSTTBase extends EntryBase {
  /** Language code, e.g. `"en"` or `"fr"` (sent as `language`). @default "en" */
  language?: string;
  /** A prompt that biases transcription (names, jargon). @default none */
  prompt?: string;
  /**
   * Trailing silence, in ms, after which the bundled VAD ends a segment and sends it for transcription. Lower is
   * snappier; higher cuts fewer sentences in half.
   * @default 250
   */
  minSilenceMs?: number;
}

/**
 * OpenAI's transcription endpoint (`POST /audio/transcriptions`, Whisper / gpt-4o-transcribe) through the OpenAI
 * plugin. It is not streaming: the stack cuts the audio into utterances with a local VAD (returned in
 * `sessionOptions().vad`) and transcribes each one.
 */
export interface OpenAISTTConfig extends OpenAIFormatSTTBase {
  provider: 'openai';
  /** @default "gpt-4o-transcribe" */
  model?: string;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default "https://api.openai.com/v1" (`OPENAI_BASE_URL` is not used: it names the LLM server) */
  baseURL?: string;
}

/**
 * A self-hosted OpenAI-compatible transcription server (faster-whisper-server / speaches, whisper.cpp server,
 * LocalAI, vLLM …), segmented by a local VAD like {@link OpenAISTTConfig}.
 */
export interface OpenAICompatibleSTTConfig extends OpenAIFormatSTTBase {
  provider: 'openai-compatible';
  /** The server's base URL, e.g. `"http://whisper:8000/v1"`. Required. */
  baseURL: string;
  /**
   * The model the server serves, e.g. `"Systran/faster-whisper-small"`. English-only models (names ending in
   * `.en`, or `distil-whisper` models) are rejected with a non-English `language`.
   */
  model: string;
  /** @default none (most self-hosted servers need no key) */
  apiKey?: string;
}

/** Any built-in STT provider entry. */
export type BuiltinSTTConfig = InferenceSTTConfig | DeepgramSTTConfig | OpenAISTTConfig | OpenAICompatibleSTTConfig;

const language = (example: string) =>
  z.string({ error: `expected a language code${FIX}use a code such as "${example}".` }).regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, {
    error: `expected a language code${FIX}use a code such as "${example}" or "multi".`,
  });

const openAIFormatBase = {
  language: language('en').default('en'),
  prompt: z.string({ error: `expected a string${FIX}pass the prompt as text.` }).optional(),
  minSilenceMs: z
    .number({ error: `expected a number of milliseconds${FIX}use e.g. 250.` })
    .min(50, { error: `expected at least 50 ms${FIX}use e.g. 250.` })
    .max(5_000, { error: `expected at most 5000 ms${FIX}use e.g. 250.` })
    .default(250),
};

/** English-only Whisper checkpoints: `*.en` (OpenAI, faster-whisper) and the distil-whisper family. */
export function isEnglishOnlyWhisperModel(model: string): boolean {
  return /\.en$/i.test(model) || /(^|\/)distil-(whisper|large|medium|small)/i.test(model);
}

const isEnglish = (code: string) => /^en([-_]|$)/i.test(code);

/** Option schemas (without `provider` and `lastResort`, which the stack handles). */
export const sttOptionSchemas = {
  inference: z.strictObject({
    model: nonEmptyString('an Inference STT model string', 'deepgram/nova-3').default('deepgram/nova-3'),
    language: language('en').optional(),
    fallback: z
      .array(nonEmptyString('an Inference STT model string', 'assemblyai/universal-streaming'), {
        error: `expected an array of model strings${FIX}e.g. ["assemblyai/universal-streaming"].`,
      })
      .optional(),
    modelOptions: z.record(z.string(), z.unknown(), { error: `expected an object${FIX}e.g. { endpointing: 50 }.` }).optional(),
    apiKey: secretString('LiveKit API key', 'LIVEKIT_API_KEY').optional(),
    apiSecret: secretString('LiveKit API secret', 'LIVEKIT_API_SECRET').optional(),
    baseURL: urlSchema('https://agent-gateway.livekit.cloud/v1').optional(),
  }),
  deepgram: z.strictObject({
    model: nonEmptyString('a Deepgram model', 'nova-3').default('nova-3'),
    language: language('en').default('en'),
    endpointingMs: z
      .number({ error: `expected a number of milliseconds${FIX}use e.g. 25.` })
      .int({ error: `expected a whole number of milliseconds${FIX}use e.g. 25.` })
      .nonnegative({ error: `expected a number of milliseconds >= 0${FIX}use e.g. 25.` })
      .optional(),
    keyterms: z.array(z.string(), { error: `expected an array of strings${FIX}e.g. ["LiveKit"].` }).optional(),
    interimResults: z.boolean({ error: `expected true or false${FIX}use \`interimResults: false\` to turn them off.` }).optional(),
    apiKey: secretString('Deepgram API key', 'DEEPGRAM_API_KEY').optional(),
    baseURL: urlSchema('wss://api.deepgram.com').optional(),
  }),
  openai: z.strictObject({
    model: nonEmptyString('an OpenAI transcription model', 'gpt-4o-transcribe').default('gpt-4o-transcribe'),
    apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
    baseURL: urlSchema('https://api.openai.com/v1').optional(),
    ...openAIFormatBase,
  }),
  'openai-compatible': z
    .strictObject({
      baseURL: urlSchema('http://localhost:8000/v1'),
      model: nonEmptyString('the model name the server serves', 'Systran/faster-whisper-small'),
      apiKey: secretString('API key').optional(),
      ...openAIFormatBase,
    })
    .refine((options) => isEnglish(options.language) || !isEnglishOnlyWhisperModel(options.model), {
      path: ['model'],
      error: `expected a multilingual model for a non-English \`language\`${FIX}use a model without the ".en" suffix (e.g. "Systran/faster-whisper-small"), or set \`language: "en"\`.`,
    }),
} as const;

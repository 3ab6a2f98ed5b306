import { z } from 'zod';
import { FIX, headersSchema, nonEmptyString, positiveMs, secretString, urlSchema } from './schema-helpers.js';

/** Fields shared by every provider entry of every modality. */
export interface EntryBase {
  /**
   * The last-resort tier (e.g. a local llama.cpp): tried after the remote options of a pass failed, before waiting.
   * @default true for `llama-cpp`, false otherwise
   */
  lastResort?: boolean;
  /**
   * The organisation whose backend record this entry came from (set by `createProviderResolver()`). Such an entry
   * never reads a key (or any other variable) from the environment: the worker's keys belong to the platform.
   */
  orgId?: string;
}

/** Options shared by the OpenAI-format LLM providers. */
export interface OpenAIFormatLLMBase extends EntryBase {
  /** Sampling temperature. @default the provider's default */
  temperature?: number;
  /** Upper bound on generated tokens. @default the provider's default */
  maxCompletionTokens?: number;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string>;
  /** Time allowed before the first byte of a reply, in ms. @default 10000 */
  timeoutMs?: number;
}

/** LiveKit Inference (LiveKit Cloud's gateway): `inference.LLM`. */
export interface InferenceLLMConfig extends EntryBase {
  provider: 'inference';
  /** Model string, e.g. `"openai/gpt-4.1-mini"`. */
  model: string;
  /** @default LIVEKIT_INFERENCE_API_KEY, then LIVEKIT_API_KEY */
  apiKey?: string;
  /** @default LIVEKIT_INFERENCE_API_SECRET, then LIVEKIT_API_SECRET */
  apiSecret?: string;
  /** @default LIVEKIT_INFERENCE_URL, then LiveKit's gateway */
  baseURL?: string;
  /** Upstream provider hint sent as `X-LiveKit-Inference-Provider`. */
  inferenceProvider?: string;
  /** Priority class sent as `X-LiveKit-Inference-Priority`. */
  inferenceClass?: 'priority' | 'standard' | 'low';
  /** Extra body fields for the chat completion (e.g. `{ temperature: 0.3 }`). */
  modelOptions?: Record<string, unknown>;
  /** Time allowed before the first byte of a reply, in ms. @default 10000 */
  timeoutMs?: number;
}

/** OpenAI through `@livekit/agents-plugin-openai`. */
export interface OpenAILLMConfig extends OpenAIFormatLLMBase {
  provider: 'openai';
  /** @default "gpt-4.1-mini" */
  model?: string;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default OPENAI_BASE_URL, then "https://api.openai.com/v1" */
  baseURL?: string;
}

/** A self-hosted OpenAI-compatible server (vLLM, TGI, Ollama, LM Studio …). */
export interface OpenAICompatibleLLMConfig extends OpenAIFormatLLMBase {
  provider: 'openai-compatible';
  /** The server's base URL, e.g. `"http://vllm:8000/v1"`. Required. */
  baseURL: string;
  /** The model name the server serves. Required. */
  model: string;
  /** @default none (many self-hosted servers need no key) */
  apiKey?: string;
}

/** OpenRouter, with a model chain. */
export interface OpenRouterLLMConfig extends OpenAIFormatLLMBase {
  provider: 'openrouter';
  /** One model, e.g. `"meta-llama/llama-3.3-70b-instruct:free"`. Give `model` or `models`. */
  model?: string;
  /** An ordered chain of models: each becomes its own option, with its own cooldown. */
  models?: string[];
  /** @default OPENROUTER_API_KEY */
  apiKey?: string;
  /** @default "https://openrouter.ai/api/v1" */
  baseURL?: string;
  /** Sent as `HTTP-Referer` (OpenRouter's app attribution). */
  siteUrl?: string;
  /** Sent as `X-Title` (OpenRouter's app attribution). @default "livekit-voice-stack" */
  appName?: string;
  /**
   * Also let OpenRouter route server-side: each request carries the rest of the chain in `models`.
   * @default false
   */
  serverRouting?: boolean;
}

/** A local llama.cpp server (`llama-server`), the usual last resort. */
export interface LlamaCppLLMConfig extends OpenAIFormatLLMBase {
  provider: 'llama-cpp';
  /** @default "http://localhost:8080/v1" */
  baseURL?: string;
  /** The alias llama.cpp serves. @default "local" */
  model?: string;
  /** Set when the server runs with `--api-key`. */
  apiKey?: string;
}

/**
 * OpenAI's speech-to-speech model (`openai.realtime.RealtimeModel`): it hears and speaks itself, so `stt` and `tts`
 * may be omitted. It cannot be part of an LLM chain.
 */
export interface OpenAIRealtimeLLMConfig extends EntryBase {
  provider: 'openai-realtime';
  /** @default "gpt-realtime" */
  model?: string;
  /** `marin`, `cedar`, `alloy`, `ash`, `ballad`, `coral`, `echo`, `sage`, `shimmer`, `verse`. @default "marin" */
  voice?: string;
  /** Speaking rate, 0.25–1.5. @default 1 */
  speed?: number;
  /** Language of the user's speech, a hint for its transcription. @default auto */
  language?: string;
  /** Model that transcribes the user's speech (for transcripts and events). @default "gpt-4o-mini-transcribe" */
  transcriptionModel?: string;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** @default "https://api.openai.com/v1" (the plugin turns it into `wss://…/realtime`) */
  baseURL?: string;
}

/** Groq's OpenAI-compatible endpoint. */
export interface GroqLLMConfig extends OpenAIFormatLLMBase {
  provider: 'groq';
  /** @default "llama-3.3-70b-versatile" */
  model?: string;
  /** @default GROQ_API_KEY */
  apiKey?: string;
  /** @default "https://api.groq.com/openai/v1" */
  baseURL?: string;
}

/** Google Gemini through its OpenAI-compatible endpoint. */
export interface GeminiLLMConfig extends OpenAIFormatLLMBase {
  provider: 'gemini';
  /** @default "gemini-2.5-flash" */
  model?: string;
  /** @default GEMINI_API_KEY, then GOOGLE_API_KEY */
  apiKey?: string;
  /** @default "https://generativelanguage.googleapis.com/v1beta/openai" */
  baseURL?: string;
}

/** Anthropic Claude through its OpenAI SDK compatibility endpoint. */
export interface AnthropicLLMConfig extends OpenAIFormatLLMBase {
  provider: 'anthropic';
  /** @default "claude-haiku-4-5" */
  model?: string;
  /** @default ANTHROPIC_API_KEY */
  apiKey?: string;
  /** @default "https://api.anthropic.com/v1" */
  baseURL?: string;
}

/** Azure OpenAI: a model deployment of your resource, through the OpenAI SDK's Azure client (`api-key` header). */
export interface AzureOpenAILLMConfig extends OpenAIFormatLLMBase {
  provider: 'azure-openai';
  /** Your resource, e.g. `"https://my-resource.openai.azure.com"`. @default AZURE_OPENAI_ENDPOINT */
  endpoint?: string;
  /** The deployment name (what Azure routes to a model). Required. */
  deployment: string;
  /** @default OPENAI_API_VERSION, then "2024-10-21" */
  apiVersion?: string;
  /** @default AZURE_OPENAI_API_KEY */
  apiKey?: string;
}

/** Any built-in LLM provider entry. */
export type BuiltinLLMConfig =
  | InferenceLLMConfig
  | OpenAILLMConfig
  | OpenAICompatibleLLMConfig
  | OpenRouterLLMConfig
  | LlamaCppLLMConfig
  | OpenAIRealtimeLLMConfig
  | GroqLLMConfig
  | GeminiLLMConfig
  | AnthropicLLMConfig
  | AzureOpenAILLMConfig;

const temperature = z
  .number({ error: `expected a number${FIX}use a temperature between 0 and 2.` })
  .min(0, { error: `expected a temperature >= 0${FIX}use a value between 0 and 2.` })
  .max(2, { error: `expected a temperature <= 2${FIX}use a value between 0 and 2.` });

const openAIFormatBase = {
  temperature: temperature.optional(),
  maxCompletionTokens: z
    .number({ error: `expected a whole number of tokens${FIX}use e.g. 256.` })
    .int({ error: `expected a whole number of tokens${FIX}use e.g. 256.` })
    .positive({ error: `expected a positive number of tokens${FIX}use e.g. 256.` })
    .optional(),
  headers: headersSchema.optional(),
  timeoutMs: positiveMs('`timeoutMs`').optional(),
};

/** The schema of a hosted OpenAI-format LLM: a default model and base URL, and its own key variable. */
const hostedSchema = (what: string, model: string, keyName: string, keyVariable: string, baseURL: string) =>
  z.strictObject({
    model: nonEmptyString(what, model).default(model),
    apiKey: secretString(keyName, keyVariable).optional(),
    baseURL: urlSchema(baseURL).default(baseURL),
    ...openAIFormatBase,
  });

/** Option schemas (without `provider` and `lastResort`, which the stack handles). */
export const llmOptionSchemas = {
  inference: z.strictObject({
    model: nonEmptyString('an Inference model string', 'openai/gpt-4.1-mini'),
    apiKey: secretString('LiveKit API key', 'LIVEKIT_API_KEY').optional(),
    apiSecret: secretString('LiveKit API secret', 'LIVEKIT_API_SECRET').optional(),
    baseURL: urlSchema('https://agent-gateway.livekit.cloud/v1').optional(),
    inferenceProvider: z.string().optional(),
    inferenceClass: z
      .enum(['priority', 'standard', 'low'], { error: `expected "priority", "standard" or "low"${FIX}use one of them.` })
      .optional(),
    modelOptions: z.record(z.string(), z.unknown()).optional(),
    timeoutMs: positiveMs('`timeoutMs`').optional(),
  }),
  openai: z.strictObject({
    model: nonEmptyString('a model name', 'gpt-4.1-mini').default('gpt-4.1-mini'),
    apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
    baseURL: urlSchema('https://api.openai.com/v1').optional(),
    ...openAIFormatBase,
  }),
  'openai-compatible': z.strictObject({
    baseURL: urlSchema('http://localhost:8000/v1'),
    model: nonEmptyString('the model name the server serves', 'qwen3-8b'),
    apiKey: secretString('API key').optional(),
    ...openAIFormatBase,
  }),
  openrouter: z
    .strictObject({
      model: nonEmptyString('an OpenRouter model id', 'meta-llama/llama-3.3-70b-instruct:free').optional(),
      models: z
        .array(nonEmptyString('an OpenRouter model id', 'meta-llama/llama-3.3-70b-instruct:free'), {
          error: `expected an array of model ids${FIX}e.g. ["meta-llama/llama-3.3-70b-instruct:free", "qwen/qwen-2.5-72b-instruct:free"].`,
        })
        .min(1, { error: `expected at least one model${FIX}list one or more OpenRouter model ids.` })
        .optional(),
      apiKey: secretString('OpenRouter API key', 'OPENROUTER_API_KEY').optional(),
      baseURL: urlSchema('https://openrouter.ai/api/v1').default('https://openrouter.ai/api/v1'),
      siteUrl: z.string().optional(),
      appName: z.string().default('livekit-voice-stack'),
      serverRouting: z.boolean().default(false),
      ...openAIFormatBase,
    })
    .refine((options) => options.model !== undefined || options.models !== undefined, {
      error: `expected \`model\` or \`models\`${FIX}add \`models: ["meta-llama/llama-3.3-70b-instruct:free"]\`.`,
    }),
  'llama-cpp': z.strictObject({
    baseURL: urlSchema('http://localhost:8080/v1').default('http://localhost:8080/v1'),
    model: nonEmptyString('the model alias', 'local').default('local'),
    apiKey: secretString('llama.cpp API key').optional(),
    ...openAIFormatBase,
  }),
  'openai-realtime': z.strictObject({
    model: nonEmptyString('a realtime model', 'gpt-realtime').default('gpt-realtime'),
    voice: nonEmptyString('a voice name', 'marin').default('marin'),
    speed: z
      .number({ error: `expected a speed as a number${FIX}use a value between 0.25 and 1.5 (1 is normal).` })
      .min(0.25, { error: `expected a speed >= 0.25${FIX}use a value between 0.25 and 1.5 (1 is normal).` })
      .max(1.5, { error: `expected a speed <= 1.5${FIX}use a value between 0.25 and 1.5 (1 is normal).` })
      .optional(),
    language: z
      .string({ error: `expected a language code${FIX}use a code such as "en" or "fr".` })
      .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, { error: `expected a language code${FIX}use a code such as "en" or "fr".` })
      .optional(),
    transcriptionModel: nonEmptyString('a transcription model', 'gpt-4o-mini-transcribe').optional(),
    apiKey: secretString('OpenAI API key', 'OPENAI_API_KEY').optional(),
    baseURL: urlSchema('https://api.openai.com/v1').optional(),
  }),
  groq: hostedSchema('a Groq model', 'llama-3.3-70b-versatile', 'Groq API key', 'GROQ_API_KEY', 'https://api.groq.com/openai/v1'),
  gemini: hostedSchema(
    'a Gemini model',
    'gemini-2.5-flash',
    'Gemini API key',
    'GEMINI_API_KEY',
    'https://generativelanguage.googleapis.com/v1beta/openai',
  ),
  anthropic: hostedSchema('a Claude model', 'claude-haiku-4-5', 'Anthropic API key', 'ANTHROPIC_API_KEY', 'https://api.anthropic.com/v1'),
  'azure-openai': z.strictObject({
    endpoint: urlSchema('https://my-resource.openai.azure.com').optional(),
    deployment: nonEmptyString('the deployment name', 'gpt-4o-mini'),
    apiVersion: nonEmptyString('an API version', '2024-10-21').optional(),
    apiKey: secretString('Azure OpenAI API key', 'AZURE_OPENAI_API_KEY').optional(),
    ...openAIFormatBase,
  }),
} as const;

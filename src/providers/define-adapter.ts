import type { llm, stt, tts, VAD } from '@livekit/agents';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Modality } from '../errors/index.js';
import type { Logger } from '../config/logger.js';

/** The LiveKit instance an adapter of each modality produces. */
export interface InstanceOf {
  stt: stt.STT;
  llm: llm.LLM | llm.RealtimeModel;
  tts: tts.TTS;
}

/** What the stack hands an adapter when it creates an instance. */
export interface AdapterContext {
  /** Where the entry sits in the config, e.g. `llm[1]`: use it in error messages. */
  readonly path: string;
  /** The environment to read keys from (`process.env` unless the caller passed another). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /**
   * A `fetch` that records each response's status and `Retry-After` for this option, so the chain can honour it.
   * Give it to your HTTP client (e.g. `new OpenAI({ fetch: context.fetch })`).
   */
  readonly fetch: typeof fetch;
  /**
   * Records an error the provider reported on an open connection (a WebSocket error message) that the plugin does not
   * pass on, so the chain classifies the failure by what the provider said (see `observePooledSockets`).
   */
  readonly reportError?: (error: { status?: number | undefined; code?: string | undefined; message?: string | undefined }) => void;
  /** Aborted when `createVoiceStack()` is aborted. */
  readonly signal: AbortSignal | undefined;
}

/** The result of a health probe of one option. */
export interface ProbeResult {
  ok: boolean;
  error?: string;
}

/** What `create()` may return: the instance, or the instance with extras the stack uses. */
export type Created<M extends Modality> =
  | InstanceOf[M]
  | {
      instance: InstanceOf[M];
      /** A VAD the session needs for this instance (e.g. a non-streaming STT wrapped for live calls). */
      vad?: VAD;
    };

/**
 * A provider adapter: turns validated options into a LiveKit instance. Built-in providers are adapters too;
 * custom ones are made with {@link defineAdapter} and passed in `createVoiceStack(config, { adapters })`.
 */
export interface Adapter<M extends Modality = Modality, P extends string = string, S extends StandardSchemaV1 = StandardSchemaV1> {
  readonly modality: M;
  /** The name used as `provider` in config entries. */
  readonly provider: P;
  /** Validates the entry (without `provider` and `lastResort`). Use a strict object to catch typos. */
  readonly options: S;
  /** Builds the LiveKit instance. Read keys from `context.env` here, never at import. */
  create(options: StandardSchemaV1.InferOutput<S>, context: AdapterContext): Created<M> | Promise<Created<M>>;
  /** Splits one entry into several chain options (OpenRouter's `models` list). @default one option */
  expand?(options: StandardSchemaV1.InferOutput<S>): StandardSchemaV1.InferOutput<S>[];
  /** The model name for logs and events when the instance does not say. */
  model?(options: StandardSchemaV1.InferOutput<S>): string;
  /** Probes the endpoint for real, for `stack.health()` and `doctor`. */
  health?(options: StandardSchemaV1.InferOutput<S>, context: AdapterContext): Promise<ProbeResult>;
}

/** Any adapter: `any` options, because an adapter's options are contravariant in `create()` and unions of adapters must fit. */
export type AnyAdapter = Adapter<Modality, string, any>;

/**
 * Declares a custom provider adapter. A typed identity function: it returns its argument, and lets
 * `createVoiceStack(config, { adapters: [myAdapter] })` type-check `{ provider: 'my-name', ...options }` entries.
 *
 * @example
 * const echo = defineAdapter({
 *   modality: 'llm',
 *   provider: 'acme',
 *   options: z.object({ model: z.string(), baseURL: z.url() }),
 *   create: async (options, context) => new openai.LLM({ model: options.model, baseURL: options.baseURL, apiKey: context.env.ACME_KEY }),
 * });
 */
export function defineAdapter<const M extends Modality, const P extends string, S extends StandardSchemaV1>(
  adapter: Adapter<M, P, S>,
): Adapter<M, P, S> {
  return adapter;
}

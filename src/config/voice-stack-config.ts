import type { llm, stt, tts } from '@livekit/agents';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Modality } from '../errors/index.js';
import type { EntryBase } from './entry-base.js';
import type { BuiltinLLMConfig } from './llm-config.js';
import type { RetryOptions, VerbalOptions } from './policy-config.js';
import type { BuiltinSTTConfig } from './stt-config.js';
import type { BuiltinTTSConfig } from './tts-config.js';

/** What the config layer needs to know of an adapter: its slot, its name and its options schema. */
export interface AdapterSchemaSource {
  readonly modality: Modality;
  readonly provider: string;
  readonly options: StandardSchemaV1;
}

/** The config entry of a custom adapter: `{ provider: 'my-name', ...its options }`. */
export type AdapterEntry<A, M extends Modality> = A extends {
  readonly modality: M;
  readonly provider: infer P extends string;
  readonly options: infer S extends StandardSchemaV1;
}
  ? { provider: P } & EntryBase & OptionsInput<S>
  : never;

/** `z.object({})` infers `Record<string, never>`, which no entry with a `provider` key can match: treat it as `{}`. */
type OptionsInput<S extends StandardSchemaV1> = string extends keyof StandardSchemaV1.InferInput<S> ? {} : StandardSchemaV1.InferInput<S>;

/** One option, or an ordered chain of options (the first is preferred, the next ones are fallbacks). */
export type ConfigSlot<Entry> = Entry | readonly Entry[];

/**
 * A ready LiveKit instance, typed without its `provider` getter (a `string`): with it, an entry whose `provider` is
 * mistyped (`'openroutr'`) matched the instance types, and TypeScript blamed its other fields instead of `provider`.
 */
type Ready<Instance> = Omit<Instance, 'provider'>;

/** Any entry of the `stt` slot: a built-in provider, a custom adapter's entry, or a ready LiveKit `stt.STT`. */
export type STTEntry<A = never> = BuiltinSTTConfig | AdapterEntry<A, 'stt'> | Ready<stt.STT>;
/** Any entry of the `llm` slot: a built-in provider, a custom adapter's entry, or a ready `llm.LLM` / `llm.RealtimeModel`. */
export type LLMEntry<A = never> = BuiltinLLMConfig | AdapterEntry<A, 'llm'> | Ready<llm.LLM> | Ready<llm.RealtimeModel>;
/** Any entry of the `tts` slot: a built-in provider, a custom adapter's entry, or a ready LiveKit `tts.TTS`. */
export type TTSEntry<A = never> = BuiltinTTSConfig | AdapterEntry<A, 'tts'> | Ready<tts.TTS>;

/**
 * The whole voice stack, as data. Every modality is optional (a text-only agent has only `llm`).
 * `A` is the union of the custom adapters passed to `createVoiceStack(config, { adapters })`.
 */
export interface VoiceStackConfig<A = never> {
  /** Speech-to-text: one option or a chain. */
  stt?: ConfigSlot<STTEntry<A>>;
  /** Language model: one option or a chain (an OpenRouter `models` list expands into one option per model). */
  llm?: ConfigSlot<LLMEntry<A>>;
  /** Text-to-speech: one option or a chain. */
  tts?: ConfigSlot<TTSEntry<A>>;
  /** Retry window and backoff between passes over a chain. */
  retry?: RetryOptions;
  /** The spoken error policy; `false` turns it off. */
  verbal?: VerbalOptions | false;
  /**
   * The language of the calls (`"fr"`, `"pt-BR"` …): every STT and TTS entry without a `language` gets it, and its
   * unset model and voice come from the language's choices (e.g. French: Deepgram Nova-3 `fr`, Cartesia Sonic Turbo
   * with a native French voice). Per call on a shared stack: `stack.forLanguage("fr")`. @default each provider's own
   */
  language?: string;
  /** Your own choices per language, over the built-in ones: `{ fr: { tts: { cartesia: { voice: "…" } } } }`. */
  languages?: Record<string, LanguageChoices>;
}

/** A model and voice for one provider. */
export interface LanguageChoice {
  model?: string;
  voice?: string;
}

/** What a language picks per slot and provider when an entry leaves its model or voice unset. */
export interface LanguageChoices {
  stt?: Record<string, LanguageChoice>;
  tts?: Record<string, LanguageChoice>;
}

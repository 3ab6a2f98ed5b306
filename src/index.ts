export { createVoiceStack, type CreateVoiceStackOptions } from './stack/create-voice-stack.js';
// `VoiceStack` and `ModeController` are types only: `createVoiceStack()` and `createModeController()` build them.
export type { VoiceStack, Attachment, AttachOptions, VoiceStackSessionOptions } from './stack/voice-stack.js';
export {
  forwardTranscripts,
  type ForwardedTranscript,
  type ForwardTranscriptsOptions,
  type TranscriptForwarder,
} from './stack/forward-transcripts.js';
export type { BannerOption, StartupBannerFields } from './stack/startup-banner.js';
export type {
  CallFields,
  ExhaustedEvent,
  FallbackEvent,
  HoldingEvent,
  RecoveredEvent,
  RetryEvent,
  TranscriptEvent,
  TurnMetrics,
  VoiceStackEvents,
} from './policies/events.js';
export {
  createModeController,
  type ModeController,
  type CallStack,
  type ModeChangeEvent,
  type ModeControllerEvents,
  type ModeControllerOptions,
  type ModeFallbackEvent,
} from './stack/create-mode-controller.js';
export type { HealthOptions, HealthReport, HealthResult, SlotHealth } from './stack/health.js';
export type { LatencyName, LatencyStats, MetricsSummary, OptionMetrics } from './stack/metrics.js';
export { voiceStackConfigFromEnv, ENV_DEFAULTS, type EnvModes, type EnvVoiceStackConfig } from './config/config-from-env.js';
export { DEFAULT_RETRY_OPTIONS, DEFAULT_VERBAL_OPTIONS, type RetryOptions, type VerbalOptions } from './config/policy-config.js';
export type {
  AdapterEntry,
  ConfigSlot,
  LanguageChoice,
  LanguageChoices,
  LLMEntry,
  STTEntry,
  TTSEntry,
  VoiceStackConfig,
} from './config/voice-stack-config.js';
export type { EntryBase } from './config/entry-base.js';
export type {
  AnthropicLLMConfig,
  AzureOpenAILLMConfig,
  BuiltinLLMConfig,
  GeminiLLMConfig,
  GroqLLMConfig,
  InferenceLLMConfig,
  LlamaCppLLMConfig,
  OpenAICompatibleLLMConfig,
  OpenAILLMConfig,
  OpenAIRealtimeLLMConfig,
  OpenRouterLLMConfig,
} from './config/llm-config.js';
export type {
  BuiltinSTTConfig,
  DeepgramSTTConfig,
  InferenceSTTConfig,
  OpenAICompatibleSTTConfig,
  OpenAISTTConfig,
  VoskSTTConfig,
} from './config/stt-config.js';
export type {
  BuiltinTTSConfig,
  CartesiaTTSConfig,
  ElevenLabsTTSConfig,
  ElevenLabsVoiceSettings,
  InferenceTTSConfig,
  InferenceTTSFallbackModel,
  OpenAICompatibleTTSConfig,
  OpenAITTSConfig,
  PiperTTSConfig,
} from './config/tts-config.js';
export { maskSecrets } from './config/secrets.js';
export {
  createProviderResolver,
  type CachedProviderConfig,
  type ProviderResolver,
  type ProviderResolverOptions,
} from './config/create-provider-resolver.js';
export { refusePrivateAddresses, type OrganisationURLSource, type VetBaseURL } from './config/vet-base-url.js';
export {
  defineAdapter,
  type Adapter,
  type AdapterContext,
  type AnyAdapter,
  type Created,
  type InstanceOf,
  type ProbeResult,
} from './providers/define-adapter.js';
export type { Logger } from './config/logger.js';
export type { ProviderOption } from './providers/provider-option.js';
export { CARTESIA_DEFAULT_VOICES } from './providers/cartesia/cartesia-voices.js';
export {
  ConfigError,
  MissingAPIKeyError,
  MissingPackageError,
  ProviderError,
  RetriesExhaustedError,
  VoiceStackError,
  type ConfigIssue,
  type ErrorCategory,
  type Modality,
  type ProviderErrorOptions,
  type VoiceStackErrorCode,
  type VoiceStackErrorOptions,
} from './errors/index.js';
export type { StateStore, StoreLogger } from './state/state-store.js';
export { createMemoryStore, type MemoryStoreOptions } from './state/create-memory-store.js';
export { createMachineStore, type MachineStoreOptions } from './state/create-machine-store.js';
export { createRedisStore, type RedisStoreOptions, type RedisStoreTarget } from './state/create-redis-store.js';
export type { FleetMetricsOptions } from './stack/fleet-metrics.js';
export {
  readFleetMetrics,
  type FigureDifference,
  type FleetLatency,
  type FleetMetricsReport,
  type ModeFigures,
  type ModeVerdict,
  type OptionFigures,
  type ReadFleetMetricsOptions,
} from './stack/fleet-metrics-report.js';
export { OTEL_METRIC_NAMES } from './stack/otel-metrics.js';

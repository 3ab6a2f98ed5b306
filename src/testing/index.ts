export {
  mockOpenAIEndpoint,
  type ChatScenario,
  type MockOpenAIEndpoint,
  type MockOpenAIEndpointOptions,
  type RecordedRequest,
} from './openai-endpoint.js';
export { startTextSession, type StartTextSessionOptions, type TextSession, type TextTurn } from './text-session.js';
export { localOnly } from './local-only.js';
export {
  startWsMockServer,
  type WsMockConnection,
  type WsMockServer,
  type WsMockServerOptions,
  type WsRejection,
} from './ws-mock-server.js';
export {
  mockProviderBackend,
  type MockProviderBackend,
  type MockProviderBackendOptions,
  type ProviderBackendRequest,
  type ProviderBackendScenario,
  type ProviderRecordFixture,
} from './provider-backend.js';
export { mockOpenAISpeechEndpoint, type MockOpenAISpeechEndpoint, type MockOpenAISpeechEndpointOptions } from './openai-speech-endpoint.js';
export { mockInferenceTTS, type MockInferenceTTS, type MockInferenceTTSOptions } from './inference-tts-mock.js';
export { mockCartesiaTTS, type MockCartesiaTTS, type MockCartesiaTTSOptions } from './cartesia-tts-mock.js';
export { mockElevenLabsTTS, type MockElevenLabsTTS, type MockElevenLabsTTSOptions } from './elevenlabs-tts-mock.js';
export { mockPiperTTS, type MockPiperTTS, type MockPiperTTSOptions } from './piper-tts-mock.js';
export { openAIRateLimitHeaders, providerErrorBody, type ErrorDialect, type ScriptedError } from './provider-errors.js';
export type { TTSMockBase, TTSRequest, TTSScenario } from './tts-scenario.js';
export { mockInferenceSTT, type MockInferenceSTT, type MockInferenceSTTOptions } from './inference-stt-mock.js';
export { mockDeepgramSTT, type MockDeepgramSTT, type MockDeepgramSTTOptions } from './deepgram-stt-mock.js';
export { mockVoskSTT, type MockVoskSTT, type MockVoskSTTOptions } from './vosk-stt-mock.js';
export {
  mockOpenAITranscriptionEndpoint,
  type MockOpenAITranscriptionEndpoint,
  type MockOpenAITranscriptionEndpointOptions,
} from './openai-transcription-endpoint.js';
export type { STTMockBase, STTRequest, STTScenario } from './stt-scenario.js';
export { pushFrames, speechLikeFrames, type FrameSink, type PushFramesOptions, type SpeechLikeFramesOptions } from './speech-audio.js';
export {
  mockOpenAIRealtime,
  type MockOpenAIRealtime,
  type MockOpenAIRealtimeOptions,
  type RealtimeConnectionRecord,
  type RealtimeScenario,
} from './openai-realtime-mock.js';

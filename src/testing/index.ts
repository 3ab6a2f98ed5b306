export {
  mockOpenAIEndpoint,
  sleep,
  verifyLiveKitToken,
  type ChatScenario,
  type MockOpenAIEndpoint,
  type MockOpenAIEndpointOptions,
  type RecordedRequest,
} from './openai-endpoint.js';
export { startTextSession, type StartTextSessionOptions, type TextSession, type TextTurn } from './text-session.js';
export { localOnly } from './local-only.js';

export * from './classify-error.js';
export * from './cooldown-store.js';
export * from './retry-schedule.js';
export * from './verbal-policy.js';
export { ChainLLM, DEFAULT_COOLDOWN_MS, DEFAULT_DEMOTION_MS, DEFAULT_FIRST_TOKEN_TIMEOUT_MS, type ChainLLMSettings } from './llm-chain.js';
export { ChainSTT, type ChainSTTSettings } from './stt-chain.js';
export { ChainTTS, type ChainTTSSettings } from './tts-chain.js';

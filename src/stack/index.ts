export * from './create-voice-stack.js';
export * from './voice-stack.js';
export * from './events.js';
export type { ComposeContext } from './compose.js';
export * from './create-mode-controller.js';
export * from './health.js';
export * from './metrics.js';

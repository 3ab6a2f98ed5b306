export * from './create-voice-stack.js';
export * from './voice-stack.js';
export * from './events.js';
export type { ComposeContext } from './compose.js';

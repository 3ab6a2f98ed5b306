export * from './voice-stack-error.js';
export * from './provider-error.js';

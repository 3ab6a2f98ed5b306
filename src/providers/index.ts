export * from './define-adapter.js';
export * from './logger.js';
export * from './response-observer.js';
export * from './provider-option.js';
export * from './builtin-adapters.js';
export { loadPlugin } from './load-plugin.js';

import { VoiceStackError } from '../errors/index.js';
import type { StateStore } from './state-store.js';

const METHODS = ['get', 'list', 'range', 'set', 'setIfAbsent', 'delete', 'append', 'ping', 'close'] as const;

/**
 * Checks the `store` option when it is given, so that a mistake fails at once rather than share nothing silently: a
 * Promise (`createRedisStore()` without `await`) and a missing method are named. A store whose reads return Promises
 * passes here (its methods exist); the fail-open guard warns about it once and reads it as absent.
 * @param where the function that took it, e.g. `createVoiceStack()`.
 * @throws {VoiceStackError} `CONFIG_INVALID`.
 */
export function checkStore(store: unknown, where: string): StateStore {
  const fail = (problem: string, fix: string) =>
    new VoiceStackError('CONFIG_INVALID', `Failed to use the \`store\` passed to ${where}: ${problem}. Fix: ${fix}.`);
  if (typeof (store as { then?: unknown } | null)?.then === 'function')
    throw fail(
      'it is a Promise, not a store (createRedisStore() is async)',
      'await it first: `const store = await createRedisStore({ url }); createVoiceStack(config, { store })`',
    );
  if (typeof store !== 'object' || store === null)
    throw fail(
      `expected a StateStore, got ${store === null ? 'null' : typeof store}`,
      'pass createMemoryStore(), createMachineStore() or await createRedisStore()',
    );
  const missing = METHODS.filter((name) => typeof (store as Record<string, unknown>)[name] !== 'function');
  if (missing.length > 0)
    throw fail(
      `it has no ${missing.map((name) => `${name}()`).join(', ')}`,
      'implement every method of the StateStore interface (docs/operations.md, "Running a fleet"), or pass one of the built-in stores',
    );
  return store as StateStore;
}

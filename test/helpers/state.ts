import { createMemoryStore } from '../../src/state/create-memory-store.js';
import type { StateStore } from '../../src/state/state-store.js';

// Kept here for the tests that import them from the state helpers.
export { eventually, sleep } from './eventually.js';

/** A store whose every call fails the given way. */
export function failingStore(how: 'reject' | 'throw' | 'hang'): StateStore {
  const fail = (): never => {
    throw new Error('store down');
  };
  const failAsync = () =>
    how === 'reject' ? Promise.reject(new Error('store down')) : how === 'hang' ? new Promise<never>(() => {}) : fail();
  return {
    kind: `failing-${how}`,
    get: fail,
    list: fail,
    range: fail,
    set: failAsync,
    setIfAbsent: failAsync,
    delete: failAsync,
    append: failAsync,
    ping: failAsync,
    close: async () => undefined,
  };
}

/** A store that forgets every write: each failure is tried again at once (distinct outages), as fault matrices need. */
export function forgetfulStore(): StateStore {
  return { ...createMemoryStore(), kind: 'forgetful', set: async () => undefined, setIfAbsent: async () => true };
}

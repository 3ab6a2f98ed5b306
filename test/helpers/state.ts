import { createMemoryStore } from '../../src/state/create-memory-store.js';
import type { StateStore } from '../../src/state/state-store.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `read()` is truthy (a change reaching another process's view). */
export async function eventually<T>(read: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value || Date.now() > deadline) return value;
    await sleep(5);
  }
}

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

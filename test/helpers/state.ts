import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createMachineStore } from '../../src/state/create-machine-store.js';
import { createMemoryStore } from '../../src/state/create-memory-store.js';
import { createRedisStore } from '../../src/state/create-redis-store.js';
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

/** Temporary directories for this file's tests, named `<prefix>…`, removed after them: call the result for a new one. */
export function useTempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** Opens two views of one store (two processes' worth). */
export type OpenStoreViews = () => Promise<[StateStore, StateStore]>;

/**
 * Each kind of store as `[kind, open]`, for `describe.each`: the same memory store twice, two machine stores on one
 * new directory, two Redis stores on one new prefix of `redis`.
 */
export function storeKinds(redis: { readonly url: string }, tempDir: () => string): Array<[string, OpenStoreViews]> {
  return [
    ['memory', async () => ((store) => [store, store] as [StateStore, StateStore])(createMemoryStore())],
    ['machine', async () => ((dir) => [createMachineStore({ dir }), createMachineStore({ dir })] as [StateStore, StateStore])(tempDir())],
    [
      'redis',
      async () => {
        const prefix = `t${Math.random().toString(36).slice(2)}:`;
        return [await createRedisStore({ url: redis.url }, { prefix }), await createRedisStore({ url: redis.url }, { prefix })];
      },
    ],
  ];
}

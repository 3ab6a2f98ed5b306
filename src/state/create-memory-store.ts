import { LruMap } from './lru-map.js';
import { addFields, checkIncrement, type CounterFields } from './counter-fields.js';
import type { StateStore } from './state-store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most entries kept; past it the least recently used goes first (a worker serving 100,000 organisations stays small). @default 10000 */
  maxEntries?: number;
}

interface Entry {
  /** JSON, so a caller never shares (or mutates) another caller's object, as with the other stores. */
  json: string;
  expiresAt: number;
}

/**
 * A store in this process only: for tests, scripts and single-process tools. Calls in other processes do not see it
 * (LiveKit runs each call in its own process: use the default machine store or Redis there).
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const values = new LruMap<Entry>(options.maxEntries ?? 10_000);
  const lists = new LruMap<{ items: string[]; expiresAt: number }>(options.maxEntries ?? 10_000);
  const counters = new LruMap<{ fields: CounterFields; expiresAt: number }>(options.maxEntries ?? 10_000);
  return {
    kind: 'memory',
    get: <T>(key: string) => {
      const entry = values.live(key);
      return entry && (JSON.parse(entry.json) as T);
    },
    list: <T>(prefix: string) => values.startingWith(prefix).map(([key, entry]): [string, T] => [key, JSON.parse(entry.json) as T]),
    set: async (key, value, ttlMs) => void values.put(key, { json: JSON.stringify(value), expiresAt: Date.now() + ttlMs }),
    setIfAbsent: async (key, value, ttlMs) => {
      if (values.live(key)) return false;
      values.put(key, { json: JSON.stringify(value), expiresAt: Date.now() + ttlMs });
      return true;
    },
    delete: async (key) => void values.delete(key),
    append: async (key, value, { max, ttlMs }) => {
      const items = [...(lists.live(key)?.items ?? []), JSON.stringify(value)].slice(-max);
      lists.put(key, { items, expiresAt: Date.now() + ttlMs });
    },
    increment: async (key, fields, ttlMs) => {
      checkIncrement(key, fields);
      const sum = addFields({ ...counters.live(key)?.fields }, fields);
      counters.put(key, { fields: sum, expiresAt: Date.now() + ttlMs });
    },
    counters: async (prefix) => counters.startingWith(prefix).map(([key, entry]) => [key, { ...entry.fields }]),
    range: <T>(key: string) => (lists.live(key)?.items ?? []).map((json) => JSON.parse(json) as T),
    ping: async () => undefined,
    close: async () => {
      values.clear();
      lists.clear();
      counters.clear();
    },
  };
}

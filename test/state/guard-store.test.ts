import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../../src/state/create-memory-store.js';
import { createRedisStore } from '../../src/state/create-redis-store.js';
import { guardStore } from '../../src/state/guard-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { eventually, failingStore } from '../helpers/state.js';

const logger = () => ({ warn: vi.fn(), info: vi.fn() });

describe('guardStore', () => {
  it.each(['reject', 'throw', 'hang'] as const)('reads a store that %ss as "no entry", logging once for many calls', async (how) => {
    const log = logger();
    const store = guardStore(failingStore(how), { timeoutMs: 20, logger: log });
    for (let turn = 0; turn < 20; turn++) {
      expect(store.get('cooldown:x')).toBeUndefined();
      expect(store.list('lease:')).toEqual([]);
      expect(store.range('events')).toEqual([]);
      await expect(store.set('cooldown:x', 1, 1000)).resolves.toBeUndefined();
      await expect(store.setIfAbsent('lock', 1, 1000)).resolves.toBe(true); // fail open: do the work yourself
      await expect(store.delete('cooldown:x')).resolves.toBeUndefined();
    }
    await expect(store.ping()).rejects.toThrow(how === 'hang' ? /no answer within 20 ms/ : /store down/);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![0]).toMatch(/^Failed to use the failing-\w+ state store \(get\): .*Fix: /);
  });

  it('a store whose get returns a promise reads as "no entry", with no unhandled rejection', async () => {
    const log = logger();
    const inner = createMemoryStore();
    const store = guardStore({ ...inner, get: (() => Promise.reject(new Error('async get'))) as StateStore['get'] }, { logger: log });
    expect(store.get('x')).toBeUndefined();
    expect(log.warn.mock.calls[0]![0]).toMatch(/reads must answer synchronously/);
  });

  it('passes a healthy store through, and wrapping twice is a no-op', async () => {
    const store = guardStore(createMemoryStore());
    expect(guardStore(store)).toBe(store);
    await store.set('a', { b: 1 }, 1000);
    expect(store.get('a')).toEqual({ b: 1 });
  });
});

describe('a Redis store through an outage', () => {
  const redis = useRedisServer();

  it('keeps answering from its mirror while Redis is down, logs once, and resyncs when Redis is back empty', async () => {
    const log = logger();
    const redisA = await createRedisStore({ url: redis.url });
    const a = guardStore(redisA, { logger: log });
    const b = guardStore(await createRedisStore({ url: redis.url }), { logger: log });
    await a.set('cooldown:x', 'before', 60_000);
    expect(await eventually(() => b.get('cooldown:x'))).toBe('before');

    await redis.kill();
    // Until a's client has seen the socket close (the unguarded store's ping says so, and logs nothing).
    const disconnected = () =>
      redisA.ping().then(
        () => false,
        (error: Error) => error.message.includes('not connected'),
      );
    expect(await eventually(disconnected)).toBe(true);
    for (let turn = 0; turn < 10; turn++) {
      await a.set('cooldown:y', 'during', 60_000); // fails in Redis, applies to a's own mirror
      expect(b.get('cooldown:x')).toBe('before');
    }
    expect(a.get('cooldown:y')).toBe('during');
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![0]).toMatch(/redis state store.*not connected/);

    await redis.restart(); // empty: nothing was saved
    // Both mirrors resync to what Redis holds (nothing), then sharing resumes.
    await eventually(() => b.get('cooldown:x') === undefined, 10_000);
    expect(b.get('cooldown:x')).toBeUndefined();
    await eventually(
      async () =>
        a.ping().then(
          () => true,
          () => false,
        ),
      10_000,
    );
    // b's subscriber may reconnect after a's first write: write until b sees one.
    await eventually(async () => {
      await a.set('cooldown:z', 'after', 60_000);
      return b.get('cooldown:z') !== undefined;
    }, 10_000);
    expect(b.get('cooldown:z')).toBe('after');
    expect(log.info).toHaveBeenCalledWith('The redis state store answers again', { store: 'redis' });
    await a.close();
    await b.close();
  });
});

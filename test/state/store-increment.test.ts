import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachineStore } from '../../src/state/create-machine-store.js';
import { createRedisStore } from '../../src/state/create-redis-store.js';
import { guardStore } from '../../src/state/guard-store.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { failingStore, sleep, storeKinds, useTempDirs } from '../helpers/state.js';

const redis = useRedisServer();
const tempDir = useTempDirs('lvs-counters-');
const kinds = storeKinds(redis, tempDir);

describe.each(kinds)('increment and counters on the %s store', (_kind, open) => {
  it('adds several fields at once, seen by another view; counters() lists by prefix; keys expire', async () => {
    const [a, b] = await open();
    try {
      await a.increment!('fleet:metrics:m:1:x', { turns: 1, 'h:llmTtftMs:50': 2 }, 60_000);
      await b.increment!('fleet:metrics:m:1:x', { turns: 3, apologies: 1 }, 60_000);
      await a.increment!('other:key', { turns: 5 }, 60_000);
      await a.increment!('fleet:metrics:m:1:short', { turns: 1 }, 150);
      expect(Object.fromEntries(await b.counters!('fleet:'))).toEqual({
        'fleet:metrics:m:1:x': { turns: 4, 'h:llmTtftMs:50': 2, apologies: 1 },
        'fleet:metrics:m:1:short': { turns: 1 },
      });
      await sleep(200); // time itself: the short key's TTL passes
      expect((await a.counters!('fleet:')).map(([key]) => key)).toEqual(['fleet:metrics:m:1:x']);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });

  it('refuses a field that is not an integer, adding nothing', async () => {
    const [a, b] = await open();
    try {
      await expect(a.increment!('k', { turns: 1, p50: 1.5 }, 60_000)).rejects.toThrow(
        'Failed to increment "k": field "p50" is 1.5, not an integer. Fix:',
      );
      expect(await a.counters!('k')).toEqual([]);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });

  it('keeps every count of 400 concurrent increments from two views', async () => {
    const [a, b] = await open();
    try {
      await Promise.all(
        Array.from({ length: 400 }, (_, index) => (index % 2 ? a : b).increment!('race', { n: 1, [`f${index % 3}`]: 2 }, 60_000)),
      );
      expect(Object.fromEntries(await a.counters!('race'))).toEqual({ race: { n: 400, f0: 268, f1: 266, f2: 266 } });
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });
});

describe('counters read back from a store hold only integers', () => {
  it('the machine store reads a file someone else wrote as what it can use, never a throw', async () => {
    const dir = tempDir();
    const store = createMachineStore({ dir });
    try {
      await store.increment!('a', { ok: 1 }, 60_000);
      const name = `e-${Buffer.from('b').toString('base64url')}`;
      writeFileSync(join(dir, 'n', name), JSON.stringify({ k: 'b', e: Date.now() + 60_000, v: { x: 'no', y: 2.5, z: 3, w: { deep: 1 } } }));
      writeFileSync(join(dir, 'n', `e-${Buffer.from('c').toString('base64url')}`), '{not json');
      writeFileSync(
        join(dir, 'n', `e-${Buffer.from('d').toString('base64url')}`),
        JSON.stringify({ k: 'elsewhere', e: Date.now() + 60_000, v: { n: 1 } }),
      );
      expect(Object.fromEntries(await store.counters!(''))).toEqual({ a: { ok: 1 }, b: { z: 3 } });
    } finally {
      await store.close();
    }
  });

  it('Redis hashes with text values read as their integers only', async () => {
    const store = await createRedisStore({ url: redis.url }, { prefix: 'hostile:' });
    const { Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    try {
      await raw.hset('hostile:n:k', { turns: '7', bad: 'x', frac: '1.5' });
      expect(await store.counters!('k')).toEqual([['k', { turns: 7 }]]);
    } finally {
      raw.disconnect();
      await store.close();
    }
  });
});

describe('a guarded store', () => {
  it('fails open: a failing increment resolves, a failing counters() reads as none', async () => {
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message), info: () => undefined };
    const failing = {
      ...failingStore('reject'),
      increment: () => Promise.reject(new Error('store down')),
      counters: () => Promise.reject(new Error('store down')),
    };
    const guarded = guardStore(failing, { logger });
    await expect(guarded.increment!('k', { n: 1 }, 1_000)).resolves.toBeUndefined();
    await expect(guarded.counters!('k')).resolves.toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Failed to use the failing-reject state store (increment): store down');
  });

  it('a custom store without increment stays without it', () => {
    expect(guardStore(failingStore('reject')).increment).toBeUndefined();
  });
});

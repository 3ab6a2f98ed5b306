import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMachineStore } from '../../src/state/create-machine-store.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { eventually, sleep, storeKinds, useTempDirs } from '../helpers/state.js';

const redis = useRedisServer();
const tempDir = useTempDirs('lvs-store-');
const kinds = storeKinds(redis, tempDir);

describe.each(kinds)('the %s store', (kind, open) => {
  it('keeps a value until its TTL, seen from another view of the store; values are copies', async () => {
    const [a, b] = await open();
    expect(a.kind).toBe(kind);
    const value = { until: 123, category: 'rate_limit' };
    await a.set('cooldown:x', value, 500); // long enough to be seen from b on a busy machine
    value.until = 0;
    expect(a.get('cooldown:x')).toEqual({ until: 123, category: 'rate_limit' });
    expect(await eventually(() => b.get('cooldown:x'))).toEqual({ until: 123, category: 'rate_limit' });
    b.get<{ until: number }>('cooldown:x')!.until = 0; // a reader's copy, not the store's
    expect(b.get('cooldown:x')).toEqual({ until: 123, category: 'rate_limit' });
    expect(await eventually(() => a.get('cooldown:x') === undefined && b.get('cooldown:x') === undefined)).toBe(true);
    await a.close();
    await b.close();
  });

  it('setIfAbsent gives a lock to one caller until it expires or is deleted', async () => {
    const [a, b] = await open();
    const results = await Promise.all([...Array(10)].map((_, i) => (i % 2 ? a : b).setIfAbsent('lock:org', i, 500)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await eventually(() => b.get('lock:org') !== undefined);
    expect(await b.setIfAbsent('lock:org', 'late', 200)).toBe(false);
    expect(await eventually(() => b.setIfAbsent('lock:org', 'after expiry', 200))).toBe(true); // once the lock expired
    await b.delete('lock:org');
    await eventually(() => a.get('lock:org') === undefined);
    expect(await a.setIfAbsent('lock:org', 'after delete', 200)).toBe(true);
    await a.close();
    await b.close();
  });

  it('lists live entries by prefix, and keeps capped lists oldest first', async () => {
    const [a, b] = await open();
    await a.set('lease:call-1', { mode: 'x' }, 5_000);
    await a.set('lease:call-2', { mode: 'y' }, 5_000);
    await a.set('lease:gone', { mode: 'y' }, 1);
    await a.set('other:call-3', 1, 5_000);
    const leases = await eventually(() => (b.list('lease:').length === 2 ? b.list('lease:') : undefined));
    expect(leases?.sort()).toEqual([
      ['lease:call-1', { mode: 'x' }],
      ['lease:call-2', { mode: 'y' }],
    ]);
    for (let i = 0; i < 5; i++) await a.append('events', { i }, { max: 3, ttlMs: 5_000 });
    expect(a.range('events')).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }]);
    // b's mirror passes through [0,1,2] and [1,2,3] on its way: wait for the last append to reach it.
    expect(await eventually(() => (b.range<{ i: number }>('events').at(-1)?.i === 4 ? b.range('events') : undefined))).toEqual([
      { i: 2 },
      { i: 3 },
      { i: 4 },
    ]);
    await a.append('short', 1, { max: 3, ttlMs: 50 });
    expect(await eventually(() => a.range('short').length === 0)).toBe(true);
    await a.ping();
    await a.close();
    await b.close();
  });
});

describe('the machine store on disk', () => {
  it('sweeps expired entries, so the directory holds only live state', async () => {
    const dir = tempDir();
    const store = createMachineStore({ dir });
    for (let i = 0; i < 50; i++) await store.set(`cooldown:${i}`, { i }, 20);
    await store.set('kept', 1, 60_000);
    await store.append('log', 1, { max: 5, ttlMs: 20 });
    await sleep(50); // time itself: the 20 ms TTLs run out before the next store opens
    await store.close();
    const fresh = createMachineStore({ dir }); // sweeps on open, then every sweepIntervalMs
    expect(readdirSync(dir)).toHaveLength(1);
    expect(fresh.get('kept')).toBe(1);
    await fresh.close();
  });

  it('stores long keys under a hash and still lists them', async () => {
    const store = createMachineStore({ dir: tempDir() });
    const key = `resolver:${'x'.repeat(400)}`;
    await store.set(key, { ok: true }, 5_000);
    expect(store.get(key)).toEqual({ ok: true });
    expect(store.list('resolver:')).toEqual([[key, { ok: true }]]);
    await store.close();
  });
});

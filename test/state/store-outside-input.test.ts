import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createMachineStore, createModeController, createRedisStore } from '../../src/index.js';
import { FLEET_KEYS, readFleetState } from '../../src/state/fleet-state.js';
import { readModeStatus, writeMode } from '../../src/stack/mode-state.js';
import { recordingLogger } from '../helpers/recorders.js';
import { startRedisServer, useRedisServer } from '../helpers/redis-server.js';
import { eventually, useTempDirs } from '../helpers/state.js';

// A store's bytes are outside input (another version, another app, an operator's DEL or hand edit): a bad entry reads
// as absent with one warning, and a Redis store notices keys removed behind its back.
const redis = useRedisServer();
const tempDir = useTempDirs('lvs-bad-');
const prefix = () => `oi${Math.random().toString(36).slice(2)}:`;
const config = { llm: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm' } };

describe('a bad entry reads as absent, with one warning', () => {
  it('Redis: a mode that is not JSON and a log item that is not JSON; the operator can still set the mode', async () => {
    const p = prefix();
    await redis.raw.set(`${p}v:${FLEET_KEYS.mode}`, 'not json {');
    await redis.raw.set(`${p}v:${FLEET_KEYS.modes}`, '"pipeline"'); // JSON, but not a list of names
    await redis.raw.rpush(`${p}l:${FLEET_KEYS.log}`, JSON.stringify({ at: 1, kind: 'mode', to: 'pipeline' }), 'oops', 'null');
    const logger = recordingLogger();
    const store = await createRedisStore({ url: redis.url }, { prefix: p, logger });
    try {
      expect(store.get(FLEET_KEYS.mode)).toBeUndefined();
      const state = readFleetState(store);
      expect(state.mode).toBeUndefined();
      expect(state.known).toEqual([]);
      expect(state.log).toEqual([{ at: 1, kind: 'mode', to: 'pipeline' }]);
      expect(readModeStatus(store)).toEqual({ mode: undefined, rollout: {}, known: [], activeCalls: {} });
      await writeMode(store, 'pipeline', [], 'cli');
      expect(readModeStatus(store).mode).toBe('pipeline');
      const warnings = logger.messages('warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Failed to read the state entry .* from Redis: .*not JSON; it reads as absent\. Fix: delete it/);
      // A change published by anyone that is not well formed is ignored (no throw in the subscriber's listener).
      await redis.raw.publish(`${p}changes`, JSON.stringify({ o: 'x', op: 'set', k: FLEET_KEYS.mode, j: '{', ttl: 1000 }));
      await redis.raw.publish(`${p}changes`, JSON.stringify({ o: 'x', op: 'set', k: FLEET_KEYS.mode, j: '{"mode":"x"}', ttl: 'forever' }));
      await redis.raw.publish(`${p}changes`, 'null');
      // Messages arrive in order: once this one is applied, the ones before it were handled.
      await redis.raw.publish(`${p}changes`, JSON.stringify({ o: 'x', op: 'set', k: 'sentinel', j: '1', ttl: 60_000 }));
      expect(await eventually(() => store.get('sentinel') === 1)).toBe(true);
      expect(readModeStatus(store).mode).toBe('pipeline');
    } finally {
      await store.close();
    }
  });

  it('machine store: a file that is not JSON, a `null` list item, an entry of the wrong shape', async () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const writer = createMachineStore({ dir, logger });
    await writer.set(FLEET_KEYS.mode, { mode: 'pipeline', at: 1 }, 60_000);
    await writer.append(FLEET_KEYS.log, { at: 1, kind: 'mode', to: 'pipeline' }, { max: 10, ttlMs: 60_000 });
    const modeFile = readdirSync(dir).find(
      (name) => !name.startsWith('l-') && readFileSync(join(dir, name), 'utf8').includes('"fleet:mode"'),
    );
    const logDir = readdirSync(dir).find((name) => name.startsWith('l-'));
    writeFileSync(join(dir, modeFile!), 'not json {');
    writeFileSync(join(dir, logDir!, '000000000000000-00000000-00000000'), 'null');
    writeFileSync(join(dir, 'h-planted'), JSON.stringify({ k: 5, e: 'never', v: 1 }));
    mkdirSync(join(dir, 'l-empty'));
    const reader = createMachineStore({ dir, logger });
    const controller = createModeController({ modes: { pipeline: config, realtime: config }, mode: 'realtime', store: reader });
    try {
      expect(reader.get(FLEET_KEYS.mode)).toBeUndefined();
      expect(controller.mode).toBe('realtime');
      expect(readFleetState(reader).log).toEqual([{ at: 1, kind: 'mode', to: 'pipeline' }]);
      // Only the controller's own valid entries are listed (its writes may still be on their way): no bad entry.
      const valid = new Map<string, unknown>([
        [FLEET_KEYS.modes, ['pipeline', 'realtime']],
        [FLEET_KEYS.configuredMode, 'realtime'],
      ]);
      for (const [key, value] of reader.list('')) expect(value).toEqual(valid.get(key));
      await controller.setMode('pipeline');
      expect(reader.get(FLEET_KEYS.mode)).toMatchObject({ mode: 'pipeline' });
      expect(logger.messages('warn')).toHaveLength(1);
      expect(logger.messages('warn')[0]).toMatch(/Failed to read the state entry .*: it is not a valid entry .*Fix: delete the file/);
    } finally {
      await controller.close();
      await reader.close();
      await writer.close();
    }
  });
});

describe('keys removed behind the Redis store', () => {
  it('DEL and FLUSHALL reach a running process within resyncIntervalMs', async () => {
    const p = prefix();
    const store = await createRedisStore({ url: redis.url }, { prefix: p, resyncIntervalMs: 300 });
    try {
      await store.set(FLEET_KEYS.mode, { mode: 'realtime', at: 1 }, 3_600_000);
      await store.set('fleet:option:llm:a', { until: Date.now() + 60_000 }, 60_000);
      await redis.raw.del(`${p}v:${FLEET_KEYS.mode}`); // an operator resets the mode
      expect(await eventually(() => store.get(FLEET_KEYS.mode) === undefined, 5_000)).toBe(true);
      expect(store.get('fleet:option:llm:a')).toBeDefined();
      await redis.raw.flushall();
      expect(await eventually(() => store.get('fleet:option:llm:a') === undefined, 5_000)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe("a Redis store's ping()", () => {
  it('rejects when Redis is down, and with a wrong password', async () => {
    const other = await startRedisServer();
    const down = await createRedisStore({ url: other.url }, { prefix: prefix(), connectTimeoutMs: 500 });
    await down.ping();
    await other.kill();
    await expect(down.ping()).rejects.toThrow(/Failed to reach Redis/);
    await down.close();

    await redis.raw.config('SET', 'requirepass', 'right-password');
    try {
      for (const url of [redis.url, redis.url.replace('redis://', 'redis://:wrong-password@')]) {
        const store = await createRedisStore({ url }, { prefix: prefix(), connectTimeoutMs: 500 });
        try {
          await expect(store.ping()).rejects.toThrow(/Failed to reach Redis at .*(NOAUTH|WRONGPASS).*Fix: check the password/);
        } finally {
          await store.close();
        }
      }
    } finally {
      const admin = new Redis(redis.url.replace('redis://', 'redis://:right-password@'));
      await admin.config('SET', 'requirepass', '');
      admin.disconnect();
    }
  });
});

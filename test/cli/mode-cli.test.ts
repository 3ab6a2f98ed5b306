import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { createMachineStore, createMemoryStore, createModeController, createRedisStore } from '../../src/index.js';
import { eventually } from '../helpers/eventually.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

function io(env: Record<string, string | undefined> = process.env) {
  const out = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') => ({ write: (text: string) => ((out[key] += text), true), isTTY: false }) as never;
  return { out, io: { stdout: stream('stdout'), stderr: stream('stderr'), env: env as NodeJS.ProcessEnv } };
}

const modes = { pipeline: {}, realtime: {} };

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

describe('livekit-voice-stack mode', () => {
  it('sets the mode and the rollout a controller of this machine reads for its next call', async () => {
    const controller = createModeController({ modes, mode: 'pipeline', store: createMachineStore() });
    const set = io();
    expect(await main(['mode', 'set', 'realtime'], set.io)).toBe(0);
    expect(set.out.stdout).toMatch(/mode: +realtime/);
    expect(controller.mode).toBe('realtime');

    const rollout = io();
    expect(await main(['mode', 'rollout', 'pipeline', '10'], rollout.io)).toBe(0);
    expect(rollout.out.stdout).toMatch(/rollout: +pipeline 10 %/);
    expect(controller.rollout).toEqual({ pipeline: 10 });

    const unknown = io();
    expect(await main(['mode', 'set', 'realtme'], unknown.io)).toBe(1);
    expect(unknown.out.stderr).toMatch(/unknown mode "realtme". Fix: use one of "pipeline", "realtime"/);
    const tooMuch = io();
    expect(await main(['mode', 'rollout', 'realtime', '95'], tooMuch.io)).toBe(1);
    expect(tooMuch.out.stderr).toMatch(/add up to 105. Fix: keep their sum at 100 or less/);
    await controller.close();
  });

  it('drives a fleet through Redis (--redis or REDIS_URL), and lists active calls', async () => {
    const store = await createRedisStore({ url: redis.url });
    const controller = createModeController({ modes, mode: 'pipeline', store, createOptions: { env: {} } });
    const call = await controller.stackForCall('call-1');
    const status = io({ REDIS_URL: redis.url });
    expect(await main(['mode', 'status', '--json'], status.io)).toBe(0);
    expect(JSON.parse(status.out.stdout)).toEqual({
      store: 'redis',
      mode: undefined,
      rollout: {},
      known: ['pipeline', 'realtime'],
      activeCalls: { pipeline: 1 },
    });
    expect(await main(['mode', 'set', 'realtime', '--redis', redis.url], io().io)).toBe(0);
    expect(await eventually(() => controller.mode === 'realtime')).toBe(true);
    call.release();
    await controller.close();
    await store.close();
  });

  it('explains its usage', async () => {
    const bad = io();
    expect(await main(['mode', 'flip'], bad.io)).toBe(2);
    expect(bad.out.stderr).toMatch(/Usage: livekit-voice-stack mode status \| set <name> \| rollout <name> <percent>/);
  });
});

describe('rollout', () => {
  it('sends 10 % of 10,000 call ids to the rollout mode, within a point, the same ids every time', async () => {
    const controller = createModeController({ modes, mode: 'pipeline', store: createMemoryStore(), createOptions: { env: {} } });
    await controller.setRollout({ realtime: 10 });
    const ids = Array.from({ length: 10_000 }, (_, i) => `room-${i}`);
    const pick = async () => {
      const chosen: string[] = [];
      for (const id of ids) {
        const call = await controller.stackForCall(id);
        chosen.push(call.mode);
        call.release();
      }
      return chosen;
    };
    const first = await pick();
    const share = first.filter((mode) => mode === 'realtime').length / ids.length;
    expect(Math.abs(share - 0.1)).toBeLessThanOrEqual(0.01);
    expect(await pick()).toEqual(first);
    await controller.setRollout({ realtime: 20 }); // raising the share keeps the first 10 % where they were
    const raised = await pick();
    expect(first.every((mode, i) => mode !== 'realtime' || raised[i] === 'realtime')).toBe(true);
    expect(() => controller.setRollout({ realtime: 120 })).toThrow(/expected a percentage from 0 to 100, got 120/);
    await controller.close();
  });
});

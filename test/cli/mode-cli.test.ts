import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { createMachineStore, createMemoryStore, createModeController, createRedisStore } from '../../src/index.js';
import { eventually } from '../helpers/eventually.js';
import { startRedisServer, useRedisServer } from '../helpers/redis-server.js';
import { closedPort } from '../helpers/closed-port.js';

function io(env: Record<string, string | undefined> = process.env) {
  const out = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') => ({ write: (text: string) => ((out[key] += text), true), isTTY: false }) as never;
  return { out, io: { stdout: stream('stdout'), stderr: stream('stderr'), env: env as NodeJS.ProcessEnv } };
}

const modes = { pipeline: {}, realtime: {} };

const redis = useRedisServer();

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

    const tooMuch = io();
    expect(await main(['mode', 'rollout', 'realtime', '95'], tooMuch.io)).toBe(2);
    expect(tooMuch.out.stderr).toMatch(
      /^livekit-voice-stack mode: the shares would add up to 105 % \(pipeline 10 \+ realtime 95\)\. Fix: lower another mode's share first, e.g\. livekit-voice-stack mode rollout pipeline 0\n/,
    );
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
      configuredMode: 'pipeline',
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
    expect(bad.out.stderr).toBe(
      'livekit-voice-stack mode: unknown mode command "flip". Fix: type livekit-voice-stack mode status, set <name>, reset or rollout <name> <percent>\n' +
        'Run `livekit-voice-stack mode --help` for its usage.\n',
    );
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

describe('livekit-voice-stack mode: what an operator types and sees', () => {
  it('a share out of range or an unknown mode is a usage error (exit 2) that says what to type, not which function failed', async () => {
    const controller = createModeController({ modes: { pipeline: {}, local: {} }, mode: 'pipeline', store: createMachineStore() });
    const outOfRange = io();
    expect(await main(['mode', 'rollout', 'local', '150'], outOfRange.io)).toBe(2);
    expect(outOfRange.out.stderr).toBe(
      'livekit-voice-stack mode: the share must be a percentage from 0 to 100, got "150". Fix: type e.g. livekit-voice-stack mode rollout local 10 (0 ends it)\n' +
        'Run `livekit-voice-stack mode --help` for its usage.\n',
    );
    const unknown = io();
    expect(await main(['mode', 'set', 'realtime'], unknown.io)).toBe(2);
    expect(unknown.out.stderr).toMatch(
      /^livekit-voice-stack mode: unknown mode "realtime": the fleet's controllers know "pipeline", "local"(, "[^"]+")*\. Fix: type e\.g\. livekit-voice-stack mode set pipeline\n/,
    );
    for (const { out } of [outOfRange, unknown]) expect(out.stderr).not.toMatch(/setRollout\(\)|createModeController\(\)|config passed/);
    const missing = io();
    expect(await main(['mode', 'rollout', 'local'], missing.io)).toBe(2);
    expect(missing.out.stderr).toMatch(
      /mode rollout takes a mode name and a percentage, got "local"\. Fix: type e\.g\. livekit-voice-stack mode rollout realtime 10/,
    );
    await controller.close();
  });

  it('every command and subcommand has --help (exit 0, on stdout); an unknown option is a usage error', async () => {
    for (const argv of [['doctor'], ['config'], ['dashboard'], ['mode'], ['mode', 'set'], ['mode', 'rollout']]) {
      const help = io();
      expect(await main([...argv, '--help'], help.io)).toBe(0);
      expect(help.out.stdout).toMatch(new RegExp(`^Usage: livekit-voice-stack ${argv[0]} `));
      expect(help.out.stdout).toMatch(/Exit codes: /);
    }
    const top = io();
    expect(await main(['--help'], top.io)).toBe(0);
    expect(top.out.stdout).toMatch(/Run `livekit-voice-stack <command> --help`/);
    const option = io();
    expect(await main(['mode', 'status', '--port', '1'], option.io)).toBe(2);
    expect(option.out.stderr).toMatch(/^livekit-voice-stack mode: unknown option --port\. Fix: remove it/);
  });

  it('Redis down: `mode status` exits 1 naming the store and the fix, instead of "not set, 0 calls"', async () => {
    const port = await closedPort();
    const status = io({});
    expect(await main(['mode', 'status', '--redis', `redis://:hunter2-password@127.0.0.1:${port}`], status.io)).toBe(1);
    expect(status.out.stdout).toBe('');
    expect(status.out.stderr).toMatch(
      new RegExp(
        `^livekit-voice-stack mode status: Failed to read the fleet's mode: the redis store at redis://127\\.0\\.0\\.1:${port} did not answer \\(.+\\)\\. Fix: check that Redis runs and that --redis / REDIS_URL has the right host, port and password`,
      ),
    );
    expect(status.out.stderr).not.toContain('hunter2');
    expect(status.out.stderr.match(/Fix:/g)).toHaveLength(1);
  }, 20_000);

  it('a wrong Redis password: `mode status` exits 1 and says to check the password', async () => {
    const locked = await startRedisServer();
    const { default: Redis } = await import('ioredis');
    const admin = new Redis(locked.url);
    await admin.config('SET', 'requirepass', 'right-password-1');
    await admin.quit().catch(() => undefined);
    try {
      const url = new URL(locked.url);
      url.password = 'wrong-password-2';
      const status = io({});
      expect(await main(['mode', 'status', '--redis', url.toString()], status.io)).toBe(1);
      expect(status.out.stdout).toBe('');
      expect(status.out.stderr).toMatch(
        /^livekit-voice-stack mode status: Failed to read the fleet's mode: the redis store at redis:\/\/127\.0\.0\.1:\d+ did not answer .*right host, port and password/,
      );
      expect(status.out.stderr).not.toContain('wrong-password-2');
    } finally {
      await locked.stop();
    }
  }, 20_000);

  it('a malformed mode entry: status reads it as not set, and `mode reset` / `mode set` repair it', async () => {
    const { default: Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    const bad = ['"just a string"', 'null', '{"mode": 42}', '[1,2]'];
    try {
      for (const value of bad) {
        await raw.set('lvs:v:fleet:mode', value);
        await raw.set('lvs:v:fleet:modes', '{"not":"a list"}');
        const status = io({});
        expect(await main(['mode', 'status', '--redis', redis.url], status.io)).toBe(0);
        expect(status.out.stdout).toMatch(/mode: +not set/);
        const set = io({});
        expect(await main(['mode', 'set', 'pipeline', '--redis', redis.url], set.io), set.out.stderr).toBe(0);
        expect(set.out.stdout).toMatch(/mode: +pipeline/);
        await raw.set('lvs:v:fleet:mode', value);
        const reset = io({});
        expect(await main(['mode', 'reset', '--redis', redis.url], reset.io), reset.out.stderr).toBe(0);
        expect(await raw.exists('lvs:v:fleet:mode')).toBe(0);
      }
    } finally {
      await raw.quit();
    }
  });
});

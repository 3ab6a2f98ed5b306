import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, createModeController, createRedisStore, createVoiceStack, type StateStore } from '../../src/index.js';
import { readFleetState } from '../../src/state/fleet-state.js';
import { startTextSession } from '../../src/testing/index.js';
import { primaryAndBackup } from '../helpers/chain-stack.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { eventually } from '../helpers/state.js';

// One store reaches everything built from it: a mode controller's stacks, a plain stack's fleet log; and a store that
// is not one (a Promise, a missing method, reads that return Promises) is named at once or read as absent.
const { primary, backup, config, handlers } = primaryAndBackup();
useMswServer(...handlers);
const redis = useRedisServer();

describe("a mode controller's store", () => {
  it("reaches its stacks: process 2's first call skips the primary that process 1 saw rate-limited", async () => {
    const otherMachine = mkdtempSync(join(tmpdir(), 'lvs-other-machine-'));
    const prefix = `wiring${Math.random().toString(36).slice(2)}:`;
    // Two processes' worth: each its own Redis store (its own mirror), as docs/operations.md shows (store, no createOptions).
    const stores = [await createRedisStore({ url: redis.url }, { prefix }), await createRedisStore({ url: redis.url }, { prefix })];
    const loggers = [recordingLogger(), recordingLogger()];
    const controllers = stores.map((store, index) =>
      createModeController({ modes: { pipeline: config }, mode: 'pipeline', store, createOptions: { logger: loggers[index]! } }),
    );
    const calls: { release(): void }[] = [];
    try {
      primary.use({ status: 429, retryAfter: 30, times: 1 });
      const first = await controllers[0]!.stackForCall('call-1');
      const session = await startTextSession(first.stack);
      expect((await session.ask('When do you open?')).text).toBe('From the backup.');
      await session.close();
      first.release();
      // The cooldown is in Redis, so it reaches process 2's mirror ...
      const reached = await eventually(() => stores[1]!.list('fleet:option:').length > 0);
      expect(reached, `the first stack logged: ${loggers[0]!.lines.join('\n')}`).toBe(true);
      // Process 2 runs on another machine: nothing reaches it but Redis.
      process.env.LIVEKIT_VOICE_STACK_STATE_DIR = otherMachine;
      const before = primary.chatRequests().length;
      const second = await controllers[1]!.stackForCall('call-2');
      calls.push(second);
      const other = await startTextSession(second.stack);
      // ... and its stack reads it there: the primary is not asked.
      expect((await other.ask('When do you open?')).text).toBe('From the backup.');
      expect(primary.chatRequests()).toHaveLength(before);
      await other.close();
    } finally {
      for (const call of calls) call.release();
      rmSync(otherMachine, { recursive: true, force: true });
      primary.reset();
      await Promise.all(controllers.map((controller) => controller.close()));
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe('the fleet log', () => {
  it("shows a plain stack's fallback and apology, once each", async () => {
    const store = createMemoryStore();
    const stack = await createVoiceStack({ ...config, retry: { windowMs: 500 } }, { store, logger: recordingLogger(), env: {} });
    const session = await startTextSession(stack);
    try {
      primary.use({ status: 429, retryAfter: 30, times: 1 });
      expect((await session.ask('When do you open?')).text).toBe('From the backup.');
      backup.use({ status: 401, times: 1 });
      await session.ask('And on Sunday?'); // the primary cools, the backup refuses the key: the apology
      const log = readFleetState(store).log;
      expect(log.map((entry) => [entry.kind, entry.from])).toEqual([
        ['apology', 'openai-compatible/backup-model'],
        ['fallback', 'openai-compatible/primary-model'],
      ]);
      // One row per option on the dashboard: the chain's own cooldown entry, not a second one.
      const labels = readFleetState(store).options.map((option) => option.label);
      expect(labels.sort()).toEqual(['openai-compatible/backup-model', 'openai-compatible/primary-model']);
    } finally {
      primary.reset();
      backup.reset();
      await session.close();
      await stack.close();
    }
  });
});

describe('a store that is not one', () => {
  it('a Promise (createRedisStore() without await) is refused, saying to await it', async () => {
    const pending = createRedisStore({ url: redis.url });
    try {
      await expect(createVoiceStack(config, { store: pending as unknown as StateStore, env: {} })).rejects.toThrow(
        /Failed to use the `store` passed to createVoiceStack\(\): it is a Promise.*Fix: await it/,
      );
      expect(() => createModeController({ modes: { a: config }, mode: 'a', store: pending as unknown as StateStore })).toThrow(
        /createModeController\(\): it is a Promise/,
      );
    } finally {
      await (await pending).close();
    }
  });

  it('a missing method is named', async () => {
    const { setIfAbsent: _, ...partial } = createMemoryStore();
    await expect(createVoiceStack(config, { store: partial as StateStore, env: {} })).rejects.toThrow(/it has no setIfAbsent\(\)/);
  });

  it('reads that return Promises are warned about once and read as absent, with no unhandled rejection', async () => {
    const memory = createMemoryStore();
    const asyncReads: StateStore = {
      ...memory,
      kind: 'async-reads',
      get: (() => Promise.reject(new Error('async read'))) as StateStore['get'],
      list: (() => Promise.reject(new Error('async read'))) as unknown as StateStore['list'],
      range: (() => Promise.reject(new Error('async read'))) as unknown as StateStore['range'],
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const logger = recordingLogger();
    const stack = await createVoiceStack(config, { store: asyncReads, logger, env: {} });
    const session = await startTextSession(stack);
    try {
      for (const question of ['One?', 'Two?']) expect((await session.ask(question)).text).toBe('From the primary.');
      primary.use({ status: 429, retryAfter: 30, times: 1 }); // a write (the cooldown) that succeeds: not a recovery
      expect((await session.ask('Three?')).text).toBe('From the backup.');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(logger.messages('info').filter((message) => message.includes('answers again'))).toEqual([]);
      const warnings = logger.messages('warn').filter((message) => message.includes('returned a Promise'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/reads must answer synchronously.*Fix:/);
    } finally {
      primary.reset();
      process.off('unhandledRejection', onUnhandled);
      await session.close();
      await stack.close();
    }
  });
});

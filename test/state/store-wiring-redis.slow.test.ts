import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModeController, createRedisStore } from '../../src/index.js';
import { startTextSession } from '../../src/testing/index.js';
import { primaryAndBackup } from '../helpers/chain-stack.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { eventually } from '../helpers/state.js';

// One store reaches everything built from it: a mode controller's stacks on one real Redis, two processes' worth (each
// its own store and mirror). In the slow project: it runs in a fork of its own, with its own Redis server.
const { primary, config, handlers } = primaryAndBackup();
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

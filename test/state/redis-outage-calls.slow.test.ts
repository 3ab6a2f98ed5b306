import { describe, expect, it } from 'vitest';
import { createRedisStore, createVoiceStack } from '../../src/index.js';
import { startTextSession } from '../../src/testing/index.js';
import { primaryAndBackup } from '../helpers/chain-stack.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { eventually } from '../helpers/state.js';

// A real redis-server, SIGKILLed between the turns of a real call and started again empty: the call never fails
// because of it, and once Redis is back a cooldown set by one stack reaches another stack on its own Redis store
// (another machine).
const { primary, backup, config, handlers } = primaryAndBackup();
useMswServer(...handlers);
const redis = useRedisServer();

const answers = (store: { ping(): Promise<void> }) =>
  store.ping().then(
    () => true,
    () => false,
  );

describe('Redis killed in the middle of real calls', () => {
  it('every turn is answered while Redis is down and after it restarts empty; sharing resumes', async () => {
    const logger = recordingLogger();
    const storeA = await createRedisStore({ url: redis.url }, { prefix: 'outage:' });
    const storeB = await createRedisStore({ url: redis.url }, { prefix: 'outage:' });
    const stackA = await createVoiceStack(config, { env: {}, logger, store: storeA });
    const stackB = await createVoiceStack(config, { env: {}, logger: recordingLogger(), store: storeB });
    const callA = await startTextSession(stackA);
    try {
      for (let turn = 1; turn <= 3; turn++) {
        if (turn === 3) await redis.kill();
        expect((await callA.ask(`Question ${turn}?`)).text).toBe('From the primary.');
      }
      // A 429 while Redis is down: the backup answers; the cooldown cannot reach Redis (logged once), and this
      // process's mirror keeps it.
      primary.use({ status: 429, retryAfter: 30, times: 1 });
      expect((await callA.ask('Question 4?')).text).toBe('From the backup.');
      expect((await callA.ask('Question 5?')).text).toBe('From the backup.');
      await redis.restart();
      expect(['From the primary.', 'From the backup.']).toContain((await callA.ask('Question 6?')).text);
      // Both stores reconnect (and resync their mirrors from the empty Redis).
      expect(await eventually(() => answers(storeA), 15_000)).toBe(true);
      expect(await eventually(() => answers(storeB), 15_000)).toBe(true);
      // A's mirror resynced from the empty Redis: the cooldown that never reached it is gone.
      expect(await eventually(() => storeA.list('fleet:option:').length === 0, 15_000)).toBe(true);

      // Sharing resumes: A's cooldown reaches B's mirror, and B's next call skips the primary.
      primary.use({ status: 429, retryAfter: 30, times: 1 });
      expect((await callA.ask('Question 7?')).text).toBe('From the backup.');
      expect(await eventually(() => storeB.list('fleet:option:').length > 0, 15_000)).toBe(true);
      const before = primary.chatRequests().length;
      const callB = await startTextSession(stackB);
      try {
        expect((await callB.ask('Question 1?')).text).toBe('From the backup.');
      } finally {
        await callB.close();
      }
      expect(primary.chatRequests()).toHaveLength(before);
      // The outage was logged once, with the fix, not per turn.
      const outage = logger.messages('warn').filter((message) => message.startsWith('Failed to use the redis state store'));
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatch(/Fix: check the store/);
    } finally {
      await callA.close();
      await stackA.close();
      await stackB.close();
      await storeA.close();
      await storeB.close();
    }
  }, 120_000);
});

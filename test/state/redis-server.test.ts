import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { useMswServer } from '../helpers/msw.js';
import { startRedisServer } from '../helpers/redis-server.js';

// msw 3 intercepts sockets (`net.connect`) and reports a connection at once, before it tries the real one: a readiness
// check that waits for 'connect' passes before redis-server listens. The Redis tests of the fast project run beside msw.
useMswServer();

it('startRedisServer resolves once the server answers, even with msw intercepting sockets', async () => {
  const redis = await startRedisServer();
  // No retry, no offline queue: the first connection must reach a listening server.
  const client = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    expect(await client.ping()).toBe('PONG');
  } finally {
    client.disconnect();
    await redis.stop();
  }
});

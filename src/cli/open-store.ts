import { createMachineStore } from '../state/create-machine-store.js';
import type { StateStore } from '../state/state-store.js';

/** The fleet's store: Redis when a URL is given (`--redis`, `REDIS_URL`), else this machine's store. */
export async function openStore(redis: string | undefined): Promise<StateStore> {
  if (!redis) return createMachineStore();
  // Imported only here, so that commands without Redis never load ioredis.
  const { createRedisStore } = await import('../state/create-redis-store.js');
  return createRedisStore({ url: redis }, { connectTimeoutMs: 3_000 });
}

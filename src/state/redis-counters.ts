import type { Redis } from 'ioredis';
import { VoiceStackError } from '../errors/index.js';
import { checkIncrement, counterFieldsOf, type CounterFields } from './counter-fields.js';

/** Most counter keys one read returns (a fleet's metrics hold a few hundred; a crafted Redis could hold millions). */
const MAX_KEYS = 20_000;

/**
 * `increment` of the Redis store: one `HINCRBY` per field and a `PEXPIRE` in a `MULTI`, so the fields of one increment
 * land together and Redis's single thread serialises every process's increments (none is lost).
 */
export async function incrementCounters(client: Redis, name: string, key: string, fields: CounterFields, ttlMs: number): Promise<void> {
  checkIncrement(key, fields);
  const transaction = client.multi();
  for (const [field, value] of Object.entries(fields)) if (value !== 0) transaction.hincrby(name, field, value);
  const replies = await transaction.pexpire(name, Math.max(1, Math.ceil(ttlMs))).exec();
  if (!replies)
    throw new VoiceStackError(
      'STORE_UNAVAILABLE',
      'Failed to increment counters in Redis: the transaction was discarded. Fix: check that Redis is reachable.',
      {
        isRetryable: true,
      },
    );
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
}

/** `counters` of the Redis store: every hash under `${namespace}${keyPrefix}`, read from Redis itself. */
export async function readCounters(client: Redis, namespace: string, keyPrefix: string): Promise<Array<[string, CounterFields]>> {
  const found: Array<[string, CounterFields]> = [];
  let cursor = '0';
  do {
    const [next, names] = await client.scan(cursor, 'MATCH', `${escapeGlob(namespace + keyPrefix)}*`, 'COUNT', 1000);
    cursor = next;
    const batch = client.pipeline();
    for (const name of names) batch.hgetall(name);
    const replies = (await batch.exec()) ?? [];
    names.forEach((name, index) => {
      const [error, hash] = replies[index] ?? [null, undefined];
      if (!error && found.length < MAX_KEYS) found.push([name.slice(namespace.length), counterFieldsOf(hash)]);
    });
  } while (cursor !== '0' && found.length < MAX_KEYS);
  return found;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

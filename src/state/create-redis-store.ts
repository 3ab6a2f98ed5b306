import type { Redis } from 'ioredis';
import { ConfigError, MissingPackageError, VoiceStackError } from '../errors/index.js';
import { LruMap } from './lru-map.js';
import { incrementCounters, readCounters } from './redis-counters.js';
import type { StateStore, StoreLogger } from './state-store.js';
import { isJson, parseJson } from './store-entries.js';

/** Which Redis (or Valkey) to use: a URL, or an ioredis client you already have (the store adds one subscriber connection). */
export type RedisStoreTarget = { url: string } | { client: object };

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** Namespace of every key and of the change channel, so a fleet can share a Redis with other apps. @default 'lvs:' */
  prefix?: string;
  /** Most entries in the local mirror; past it the least recently used goes (reads of it then find no entry). @default 10000 */
  maxEntries?: number;
  /** How long `createRedisStore()` waits for the first sync before it resolves anyway (Redis down at start), in ms. @default 2000 */
  connectTimeoutMs?: number;
  /**
   * How often the mirror is reloaded from Redis (`SCAN` of the prefix), in ms: the longest a process keeps serving a key
   * that was removed behind its back (an operator's `DEL` or `FLUSHALL`, an eviction), which publishes no change.
   * Each reload reads every key of the prefix once (`GET`/`LRANGE` and `PTTL`, pipelined). `0` reloads only after a
   * reconnection. @default 10000
   */
  resyncIntervalMs?: number;
  /** Where a value that is not valid (not JSON, another app's key) is reported, once per store. @default console */
  logger?: StoreLogger;
}

/** A change, published to every process so that its mirror stays current. */
interface Change {
  /** The writing store (its own changes are already applied). */
  o: string;
  op: 'set' | 'delete' | 'append';
  k: string;
  /** The value as JSON. */
  j?: string;
  ttl?: number;
  max?: number;
}

interface Value {
  json: string;
  expiresAt: number;
}
interface List {
  items: string[];
  expiresAt: number;
}

const AUTH_ERROR = /NOAUTH|WRONGPASS|invalid password|invalid username/i;

const SET_IF_ABSENT = `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then redis.call('PUBLISH', ARGV[3], ARGV[4]) return 1 end return 0`;

/**
 * A store for a fleet on many machines, in Redis (or Valkey). Reads answer from a local mirror that pub/sub keeps
 * current, so a turn never waits on the network; writes go to Redis and reach every other process in milliseconds.
 * Every key is namespaced by `prefix` and carries a TTL. When Redis is down the mirror keeps answering (and this
 * process's own writes still apply locally); when it is back, the mirror resyncs from Redis.
 *
 * `ioredis` is an optional peer dependency, imported only here.
 * @throws {MissingPackageError} when `ioredis` is not installed.
 * @example
 * const store = await createRedisStore({ url: process.env.REDIS_URL! });
 * const stack = await createVoiceStack(config, { store });
 */
export async function createRedisStore(target: RedisStoreTarget, options: RedisStoreOptions = {}): Promise<StateStore> {
  const prefix = options.prefix ?? 'lvs:';
  const channel = `${prefix}changes`;
  const origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const values = new LruMap<Value>(options.maxEntries ?? 10_000);
  const lists = new LruMap<List>(options.maxEntries ?? 10_000);
  const valueKey = (key: string) => `${prefix}v:${key}`;
  const listKey = (key: string) => `${prefix}l:${key}`;
  const logger = options.logger ?? console;
  let warnedBad = false;
  /** Reports a value that is not valid once (it then reads as absent); `false` for chaining. */
  const bad = (key: string, what: string): false => {
    if (warnedBad) return false;
    warnedBad = true;
    logger.warn(
      `Failed to read the state entry ${prefix}${key} from Redis: ${what}; it reads as absent. Fix: delete it (\`DEL\`); the store rewrites what it needs.`,
      { key: `${prefix}${key}` },
    );
    return false;
  };

  const RedisClass = await loadIoredis();
  const owned = 'url' in target;
  if (!owned && typeof (target.client as Partial<Redis>).duplicate !== 'function') {
    throw new ConfigError(
      [{ path: 'client', message: 'expected an ioredis client. Fix: pass `new Redis(url)` from ioredis, or `{ url }`.' }],
      'createRedisStore()',
    );
  }
  // Our own client fails fast while disconnected (no offline queue): the store answers from the mirror meanwhile.
  const client: Redis = owned
    ? new RedisClass(target.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: reconnectDelay })
    : (target.client as Redis);
  const subscriber = client.duplicate({ lazyConnect: true, enableOfflineQueue: true, retryStrategy: reconnectDelay });
  const where = `${client.options.host ?? 'localhost'}:${client.options.port ?? 6379}`;
  let lastError: string | undefined;
  const onError = (error: Error) => {
    const message = error.message || (error as { code?: string }).code || String(error);
    // A refused password is the cause; the "Connection is closed." that follows it is not.
    if (!(AUTH_ERROR.test(lastError ?? '') && !AUTH_ERROR.test(message))) lastError = message;
  };
  client.on('ready', () => void (lastError = undefined));
  client.on('error', onError);
  subscriber.on('error', onError);

  const apply = (change: Change, now = Date.now()) => {
    if (change.op !== 'delete' && !isJson(change.j)) return void bad(change.k, 'its value is not JSON');
    if (change.op === 'set') values.put(change.k, { json: change.j!, expiresAt: now + change.ttl! });
    else if (change.op === 'delete') values.delete(change.k);
    else {
      const items = [...(lists.live(change.k, now)?.items ?? []), change.j!].slice(-change.max!);
      lists.put(change.k, { items, expiresAt: now + change.ttl! });
    }
  };
  /** Changes seen while a resync runs, applied again over its snapshot. */
  let pending: Change[] | undefined;
  const record = (change: Change) => {
    pending?.push(change);
    apply(change);
  };
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    // Anyone who can write to Redis can publish here: anything that is not a well-formed change is ignored.
    const change = parseChange(message);
    if (change && change.o !== origin) record(change);
  });

  let syncing: Promise<void> | undefined;
  const resync = (): Promise<void> =>
    (syncing ??= (async () => {
      pending = [];
      try {
        const snapshot = await readAll(client, prefix);
        values.clear();
        lists.clear();
        for (const [key, value] of snapshot.values) if (isJson(value.json) || bad(key, 'its value is not JSON')) values.put(key, value);
        for (const [key, list] of snapshot.lists) {
          const items = list.items.filter((item) => isJson(item) || bad(key, 'an item of the list is not JSON'));
          lists.put(key, { items, expiresAt: list.expiresAt });
        }
        for (const change of pending) apply(change);
      } finally {
        pending = undefined;
        syncing = undefined;
      }
    })());
  // After every (re)connection: Redis may have restarted empty, or changes were missed while away.
  const resyncQuietly = () => void resync().catch(onError);
  client.on('ready', resyncQuietly);
  subscriber.on('ready', resyncQuietly);

  const firstSync = (async () => {
    if (owned) await client.connect();
    await subscriber.connect();
    await subscriber.subscribe(channel);
    await resync();
  })().catch(onError);
  await Promise.race([firstSync, delay(options.connectTimeoutMs ?? 2_000)]);

  const sweep = setInterval(() => {
    values.sweep();
    lists.sweep();
  }, 30_000);
  sweep.unref();
  // A removal behind the store's back (DEL, FLUSHALL, eviction) publishes nothing: a periodic reload bounds how long a
  // process serves it. Only while connected: during an outage the mirror is what calls have.
  const resyncIntervalMs = options.resyncIntervalMs ?? 10_000;
  const reload =
    resyncIntervalMs > 0
      ? setInterval(() => {
          if (client.status === 'ready' && subscriber.status === 'ready') resyncQuietly();
        }, resyncIntervalMs)
      : undefined;
  reload?.unref();

  const unreachable = (reason: string) => {
    const auth = AUTH_ERROR.test(reason);
    return new VoiceStackError(
      'STORE_UNAVAILABLE',
      `Failed to reach Redis at ${where}: ${reason}. Fix: ${
        auth ? 'check the password (and user) in the Redis URL' : 'check that Redis is running at that URL'
      }; calls go on without shared state meanwhile.`,
      { isRetryable: true },
    );
  };
  const connected = () => {
    if (client.status !== 'ready') throw unreachable(`it is not connected (${lastError ?? client.status})`);
  };
  const publish = (change: Change) => JSON.stringify(change);

  return {
    kind: 'redis',
    // Values entered the mirror as JSON (checked on the way in); each read parses its own copy.
    get: <T>(key: string) => {
      const value = values.live(key);
      return value && (parseJson(value.json) as T);
    },
    list: <T>(keyPrefix: string) => values.startingWith(keyPrefix).map(([key, value]): [string, T] => [key, parseJson(value.json) as T]),
    range: <T>(key: string) => (lists.live(key)?.items ?? []).map((json) => parseJson(json) as T),
    set: async (key, value, ttlMs) => {
      const change: Change = { o: origin, op: 'set', k: key, j: JSON.stringify(value), ttl: ttlMs };
      record(change);
      connected();
      await check(client.multi().set(valueKey(key), change.j!, 'PX', ttlMs).publish(channel, publish(change)).exec());
    },
    setIfAbsent: async (key, value, ttlMs) => {
      connected();
      const change: Change = { o: origin, op: 'set', k: key, j: JSON.stringify(value), ttl: ttlMs };
      const won = (await client.eval(SET_IF_ABSENT, 1, valueKey(key), change.j!, ttlMs, channel, publish(change))) === 1;
      if (won) record(change);
      return won;
    },
    delete: async (key) => {
      const change: Change = { o: origin, op: 'delete', k: key };
      record(change);
      connected();
      await check(client.multi().del(valueKey(key)).publish(channel, publish(change)).exec());
    },
    append: async (key, value, { max, ttlMs }) => {
      const change: Change = { o: origin, op: 'append', k: key, j: JSON.stringify(value), ttl: ttlMs, max };
      record(change);
      connected();
      const list = listKey(key);
      await check(
        client.multi().rpush(list, change.j!).ltrim(list, -max, -1).pexpire(list, ttlMs).publish(channel, publish(change)).exec(),
      );
    },
    // Counters live in Redis only (`n:` keys, not mirrored): their readers ask Redis, and no turn reads them.
    increment: async (key, fields, ttlMs) => {
      connected();
      await incrementCounters(client, `${prefix}n:${key}`, key, fields, ttlMs);
    },
    counters: async (keyPrefix) => {
      connected();
      return readCounters(client, `${prefix}n:`, keyPrefix);
    },
    // Rejects unless Redis answered: for `doctor` and `mode status`, which must not report an empty fleet instead.
    ping: async () => {
      connected();
      try {
        await client.ping();
      } catch (error) {
        throw unreachable((error as Error)?.message ?? String(error));
      }
    },
    close: async () => {
      clearInterval(sweep);
      clearInterval(reload);
      client.off('ready', resyncQuietly);
      subscriber.disconnect();
      if (owned) client.disconnect();
      else client.off('error', onError);
      values.clear();
      lists.clear();
    },
  };
}

/** A change published on the channel, or `undefined` when the message is not one (anyone with access can publish). */
function parseChange(message: string): Change | undefined {
  const change = parseJson(message) as Partial<Change> | undefined;
  if (typeof change !== 'object' || change === null || typeof change.o !== 'string' || typeof change.k !== 'string') return undefined;
  const ttlOk = typeof change.ttl === 'number' && change.ttl > 0 && Number.isFinite(change.ttl);
  if (change.op === 'delete') return change as Change;
  if (change.op === 'set') return ttlOk && typeof change.j === 'string' ? (change as Change) : undefined;
  if (change.op === 'append')
    return ttlOk && typeof change.j === 'string' && Number.isInteger(change.max) && change.max! > 0 ? (change as Change) : undefined;
  return undefined;
}

/** Every live entry under `prefix`, with the TTL Redis reports (so clocks of other machines do not matter). */
async function readAll(client: Redis, prefix: string): Promise<{ values: Map<string, Value>; lists: Map<string, List> }> {
  const now = Date.now();
  const values = new Map<string, Value>();
  const lists = new Map<string, List>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    const batch = client.pipeline();
    for (const key of keys) {
      if (key.startsWith(`${prefix}v:`)) batch.get(key).pttl(key);
      else if (key.startsWith(`${prefix}l:`)) batch.lrange(key, 0, -1).pttl(key);
    }
    const replies = (await batch.exec()) ?? [];
    let index = 0;
    for (const key of keys) {
      const kind = key.startsWith(`${prefix}v:`) ? 'v' : key.startsWith(`${prefix}l:`) ? 'l' : undefined;
      if (!kind) continue;
      const [[, data], [, ttl]] = [replies[index]!, replies[index + 1]!];
      index += 2;
      // Another app's key of another type answers with an error (no data): skipped, as an absent key.
      if (data === null || data === undefined || typeof ttl !== 'number' || ttl === -2) continue;
      if (kind === 'v' ? typeof data !== 'string' : !Array.isArray(data)) continue;
      const expiresAt = ttl < 0 ? Infinity : now + ttl;
      const name = key.slice(prefix.length + 2);
      if (kind === 'v') values.set(name, { json: data as string, expiresAt });
      else lists.set(name, { items: data as string[], expiresAt });
    }
  } while (cursor !== '0');
  return { values, lists };
}

async function check(transaction: Promise<[error: Error | null, result: unknown][] | null>): Promise<void> {
  const replies = await transaction;
  if (!replies)
    throw new VoiceStackError(
      'STORE_UNAVAILABLE',
      'Failed to write to Redis: the transaction was discarded. Fix: check that Redis is reachable and accepts MULTI/EXEC (some proxies do not).',
      {
        isRetryable: true,
      },
    );
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
}

async function loadIoredis(): Promise<typeof Redis> {
  try {
    return (await import('ioredis')).Redis;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new MissingPackageError('ioredis', 'createRedisStore()', error);
    throw error;
  }
}

/** Reconnect forever, backing off to 2 s between attempts. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 2_000);

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

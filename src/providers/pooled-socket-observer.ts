import { ConnectionPool } from '@livekit/agents';
import type { RawData, WebSocket } from 'ws';

/**
 * Calls `onMessage` with every JSON message received on the WebSockets a LiveKit plugin opens through its
 * `ConnectionPool` (Cartesia TTS, LiveKit Inference TTS), beside the plugin's own listener. It reads; it never
 * answers or consumes. The plugins swallow some in-band errors (Cartesia logs a 4xx error message at debug level and
 * ends the synthesis as if it were done; Inference drops the `code` of its `error` event): this is how the chain
 * still learns what the provider said, without reimplementing either protocol.
 *
 * Relies on agents 1.9 internals, checked at run time: the pool's `connectCb` (Inference keeps the pool in its
 * public `pool` field; Cartesia keeps it private and reaches it only from `prewarm()`). Returns `false`, observing
 * nothing, when a plugin version keeps its sockets elsewhere.
 */
export function observePooledSockets(instance: object, onMessage: (message: Record<string, unknown>) => void): boolean {
  const pool = poolOf(instance) as unknown as { connectCb?: (timeout: number) => Promise<WebSocket> } | undefined;
  const connect = pool?.connectCb;
  if (!pool || typeof connect !== 'function') return false;
  const listener = (data: RawData, isBinary: boolean) => {
    if (isBinary) return;
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message && typeof message === 'object') onMessage(message as Record<string, unknown>);
  };
  pool.connectCb = async (timeout) => {
    const socket = await connect.call(pool, timeout);
    if (typeof socket?.on === 'function') socket.on('message', listener);
    return socket;
  };
  return true;
}

function poolOf(instance: object): ConnectionPool<unknown> | undefined {
  const direct = (instance as { pool?: unknown }).pool;
  if (direct instanceof ConnectionPool) return direct;
  const prewarm = (instance as { prewarm?: unknown }).prewarm;
  if (typeof prewarm !== 'function') return undefined;
  // The one synchronous call that reaches a private pool: `prewarm()` calls `pool.prewarm()`. Swapped for the
  // duration of that call only, so nothing connects and no other pool is affected.
  const prototype = ConnectionPool.prototype as { prewarm: () => void };
  const original = prototype.prewarm;
  let found: ConnectionPool<unknown> | undefined;
  prototype.prewarm = function (this: ConnectionPool<unknown>) {
    found = this;
  };
  try {
    prewarm.call(instance);
  } catch {
    // a plugin whose prewarm does something else: observe nothing
  } finally {
    prototype.prewarm = original;
  }
  return found;
}

import { APIConnectionError, APIStatusError, APITimeoutError, type llm } from '@livekit/agents';
import { WebSocket } from 'ws';
import type { Logger } from '../../config/logger.js';
import { parseRetryAfter } from '../response-observer.js';
import { checkRealtimeSessionClass, realtimeSessionInternals, type RealtimeSessionInternals } from '../livekit-internals.js';
import { sleep } from '../../state/sleep.js';

/** How the guarded session retries a refused connection. */
export interface RealtimeReconnectOptions {
  /** @default 500 */
  initialDelayMs?: number;
  /** @default 8000 */
  maxDelayMs?: number;
  logger: Logger;
}

/** The plugin's `realtime` namespace (loaded dynamically: core never imports a plugin statically). */
export interface PluginRealtime {
  // `any`: the plugin's own RealtimeModel type, which core cannot import statically.
  RealtimeSession: new (model: any) => object;
  processBaseURL(options: { baseURL: string; model: string; isAzure: boolean }): string;
}

/**
 * Guards the sessions of an OpenAI `RealtimeModel` (plugin 1.9), whose connection code has two faults that end a call:
 * - it opens its WebSocket without an `error` listener, so a refused handshake (401, 429, 503) is an uncaught
 *   exception that kills the call's process;
 * - a connection that fails while it reconnects (after a dropped socket) ends the session's task with no error event:
 *   the session then waits for replies that never come.
 * The guarded session connects the same way (same URL and headers), but a refused or timed-out connection is reported
 * as a recoverable `realtime_model_error` (with the HTTP status and `Retry-After`) and retried with backoff until the
 * session closes. A socket dropped while a response was playing is reported the same way: the caller heard half a reply.
 * After a reconnection, the first event the session queues is no longer lost (see `guardedConnect`).
 * The plugin itself replays instructions, tools and the chat context on every reconnection.
 */
export function guardRealtimeModel<M extends llm.RealtimeModel>(model: M, plugin: PluginRealtime, options: RealtimeReconnectOptions): M {
  // The plugin's session connects from its constructor, so the guard must be in place before: a subclass whose
  // `createWsConn` (private in the plugin's types, a plain method at runtime) replaces the plugin's.
  checkRealtimeSessionClass(plugin.RealtimeSession);
  const Guarded = class extends (plugin.RealtimeSession as new (model: llm.RealtimeModel) => object) {};
  Object.defineProperty(Guarded.prototype, 'createWsConn', {
    value(this: llm.RealtimeSession) {
      return guardedConnect(this, model, plugin, options);
    },
  });
  Object.defineProperty(Guarded.prototype, 'close', {
    async value(this: llm.RealtimeSession) {
      guards.get(this)?.closed.abort();
      return (plugin.RealtimeSession.prototype as llm.RealtimeSession).close.call(this);
    },
  });
  model.session = () => new Guarded(model) as llm.RealtimeSession;
  return model;
}

/** Per session: aborted when it closes (ends a wait between attempts), and how many connections it opened. */
const guards = new WeakMap<llm.RealtimeSession, { closed: AbortController; connections: number }>();

async function guardedConnect(
  session: llm.RealtimeSession,
  model: llm.RealtimeModel,
  plugin: PluginRealtime,
  options: RealtimeReconnectOptions,
): Promise<WebSocket> {
  const internals = realtimeSessionInternals(session);
  let guard = guards.get(session);
  if (!guard) guards.set(session, (guard = { closed: new AbortController(), connections: 0 }));
  const { signal } = guard.closed;
  const report = (error: Error) =>
    session.emit('error', { type: 'realtime_model_error', timestamp: Date.now(), label: model.label(), error, recoverable: true });
  if (guard.connections++ > 0) {
    // The previous connection's sender still waits on the plugin's event queue (its `get()` is not abortable) and takes
    // the next event put there, which is then never sent: the next turn's chat context update waits 5 s and the
    // user's message is lost. Feed it an event that is harmless when it does get sent (a new connection's input
    // buffer is empty).
    void internals.messageChannel.put({ type: 'input_audio_buffer.clear' });
    if (internals.currentGeneration !== undefined)
      report(new APIConnectionError({ message: 'OpenAI Realtime connection lost mid-response; reconnecting' }));
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect(internals, plugin, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      // Deferred: the first attempt runs inside the session's constructor, before anyone listens.
      await Promise.resolve();
      report(error as Error);
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      // Exponential backoff with equal jitter; Retry-After is honoured, within reason: the session keeps listening meanwhile.
      const base = Math.min(options.maxDelayMs ?? 8_000, (options.initialDelayMs ?? 500) * 2 ** attempt);
      const delayMs = Math.round(Math.min(60_000, Math.max(retryAfterMs ?? 0, base / 2 + (Math.random() * base) / 2)));
      options.logger.warn(`OpenAI Realtime connection failed; retrying in ${delayMs} ms`, { error: (error as Error).message });
      await sleep(delayMs, signal).catch(() => undefined);
      if (signal.aborted) throw error;
    }
  }
}

/** Opens the Realtime WebSocket as the plugin does, with every failure as a LiveKit API error (never an uncaught one). */
function connect(internals: RealtimeSessionInternals, plugin: PluginRealtime, signal: AbortSignal): Promise<WebSocket> {
  const { baseURL, model, apiKey, connOptions } = internals._options;
  const url = plugin.processBaseURL({ baseURL, model, isAzure: false });
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { 'User-Agent': 'LiveKit-Agents-JS', Authorization: `Bearer ${apiKey ?? ''}` } });
    const fail = (error: Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(error);
    };
    const onAbort = () => fail(new APIConnectionError({ message: 'OpenAI Realtime session closed while connecting' }));
    const timer = setTimeout(
      () => fail(new APITimeoutError({ message: `OpenAI Realtime connection timed out after ${connOptions.timeoutMs} ms` })),
      connOptions.timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('open', () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      resolve(socket);
    });
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        const body = Buffer.concat(chunks).toString();
        const statusCode = response.statusCode ?? 0;
        const error = new APIStatusError({
          message: `OpenAI Realtime refused the connection: HTTP ${statusCode}: ${messageOf(body)}`,
          options: { statusCode, body: jsonOf(body) as object | null, retryable: statusCode === 429 || statusCode >= 500 },
        });
        const header = (name: string) => (response.headers[name] === undefined ? null : String(response.headers[name]));
        const retryAfterMs = parseRetryAfter({ get: header });
        fail(Object.assign(error, { retryAfterMs }));
      });
      response.once('error', () =>
        fail(new APIStatusError({ message: `OpenAI Realtime refused the connection: HTTP ${response.statusCode}` })),
      );
    });
    socket.once('error', (error) => fail(new APIConnectionError({ message: `OpenAI Realtime connection failed: ${error.message}` })));
  });
}

function jsonOf(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body.slice(0, 200);
  }
}

function messageOf(body: string): string {
  const json = jsonOf(body) as { error?: { message?: string } } | string;
  const message = typeof json === 'object' && json?.error?.message ? json.error.message : String(body);
  // OpenAI echoes part of a wrong key ("Incorrect API key provided: sk-…"): never carry it.
  return message.replace(/\b(sk|rk)-[A-Za-z0-9_-]{4,}/g, '••••').slice(0, 160);
}

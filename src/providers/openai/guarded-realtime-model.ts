import { APIConnectionError, type llm } from '@livekit/agents';
import type { WebSocket } from 'ws';
import { backoffDelay } from '../../config/backoff-delay.js';
import type { Logger } from '../../config/logger.js';
import { openRealtimeSocket } from './realtime-socket.js';
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
 * The guarded session connects the same way (same URL and headers) through {@link openRealtimeSocket}, which waits for
 * `session.created` (a wrong key may be refused in-band after the upgrade), reads at most 4 KB of a refused handshake's
 * body and hands the plugin only frames that parse. A refused or timed-out connection is reported as a recoverable
 * `realtime_model_error` (with the HTTP status and `Retry-After`) and retried with backoff until the session closes. A socket dropped while a response was playing is reported the same way: the caller heard half a reply.
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
  // A frame that does not parse is dropped (the plugin would throw on it); the call hears the apology once per episode.
  const onMalformed = (problem: string) => {
    options.logger.warn('OpenAI Realtime sent a malformed event; dropped it', { problem });
    report(new APIConnectionError({ message: `OpenAI Realtime sent a malformed event: ${problem}` }));
  };
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect(internals, plugin, signal, onMalformed);
    } catch (error) {
      if (signal.aborted) throw error;
      // Deferred: the first attempt runs inside the session's constructor, before anyone listens.
      await Promise.resolve();
      report(error as Error);
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      // Exponential backoff with equal jitter; Retry-After is honoured, within reason: the session keeps listening meanwhile.
      const backoff = backoffDelay(
        { initialDelayMs: options.initialDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 8_000, factor: 2, jitter: true },
        attempt,
      );
      const delayMs = Math.round(Math.min(60_000, Math.max(retryAfterMs ?? 0, backoff)));
      options.logger.warn(`OpenAI Realtime connection failed; retrying in ${delayMs} ms`, { error: (error as Error).message });
      await sleep(delayMs, signal).catch(() => undefined);
      if (signal.aborted) throw error;
    }
  }
}

/** Opens the Realtime WebSocket as the plugin does, with every failure as a LiveKit API error (never an uncaught one). */
function connect(
  internals: RealtimeSessionInternals,
  plugin: PluginRealtime,
  signal: AbortSignal,
  onMalformed: (problem: string) => void,
): Promise<WebSocket> {
  const { baseURL, model, apiKey, connOptions } = internals._options;
  const url = plugin.processBaseURL({ baseURL, model, isAzure: false });
  return openRealtimeSocket(url, {
    headers: { 'User-Agent': 'LiveKit-Agents-JS', Authorization: `Bearer ${apiKey ?? ''}` },
    signal,
    timeoutMs: connOptions.timeoutMs,
    onMalformed,
  });
}

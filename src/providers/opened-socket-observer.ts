import { AsyncLocalStorage } from 'node:async_hooks';
import { type RawData, WebSocket } from 'ws';
import { version } from '@livekit/agents';
import { liveKitInternalsError } from './livekit-internals.js';

/** What {@link observeOpenedSockets} reports about the sockets it watches. */
export interface OpenedSocketListener {
  /** Every JSON message the provider sent. */
  onMessage(message: Record<string, unknown>): void;
  /** The HTTP status of a refused handshake ("Unexpected server response: 429"), which some plugins replace by their own error. */
  onRefused?(status: number): void;
}

const opening = new AsyncLocalStorage<OpenedSocketListener>();
const watched = new WeakSet<WebSocket>();
let hooked = false;

/**
 * Watches the WebSockets that `instance[method]()` opens (a plugin that keeps its socket in a private field, like
 * ElevenLabs' `currentConnection()`), beside the plugin's own listeners. It reads; it never answers or consumes.
 * The method runs inside an `AsyncLocalStorage` scope, and `ws`'s `WebSocket.prototype.on` (hooked once per process)
 * attaches the listener to a client socket whose first listener is added in that scope: the plugin adds its `open`
 * listener right after `new WebSocket()`. Sockets opened anywhere else are left alone (one `getStore()` per `on()`).
 *
 * Relies on the plugin using the same `ws` module as this package, and on its private `method`: an instance without
 * it fails with the LiveKit version that changed (see livekit-internals.ts).
 */
export function observeOpenedSockets(instance: object, method: string, listener: OpenedSocketListener): void {
  const original = (instance as Record<string, unknown>)[method];
  if (typeof original !== 'function')
    throw liveKitInternalsError(
      `read what ${instance.constructor?.name ?? 'a plugin'} receives`,
      `\`${method}()\` on its instance`,
      `the installed plugin (beside @livekit/agents ${version})`,
    );
  hookWebSocket();
  Object.defineProperty(instance, method, {
    configurable: true,
    writable: true,
    value(this: unknown, ...args: unknown[]) {
      return opening.run(listener, () => (original as (...a: unknown[]) => unknown).apply(this, args));
    },
  });
}

function hookWebSocket(): void {
  if (hooked) return;
  hooked = true;
  const prototype = WebSocket.prototype as unknown as { on: (event: string | symbol, handler: (...args: any[]) => void) => WebSocket };
  const on = prototype.on;
  prototype.on = function (this: WebSocket, event, handler) {
    const listener = opening.getStore();
    if (listener && !watched.has(this)) {
      watched.add(this);
      attach(this, listener, on);
    }
    return on.call(this, event, handler);
  };
}

function attach(
  socket: WebSocket,
  listener: OpenedSocketListener,
  on: (event: string, handler: (...args: any[]) => void) => WebSocket,
): void {
  on.call(socket, 'message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return;
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message && typeof message === 'object') listener.onMessage(message as Record<string, unknown>);
  });
  on.call(socket, 'error', (error: Error) => {
    const status = /unexpected server response:?\s*(\d{3})/i.exec(String(error?.message))?.[1];
    if (status) listener.onRefused?.(Number(status));
  });
}

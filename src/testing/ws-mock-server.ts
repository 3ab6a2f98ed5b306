import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { headerRecord } from './recorded-request.js';

/** How to refuse a WebSocket handshake: an HTTP status (and body) instead of the 101. */
export interface WsRejection {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** One accepted connection, as the protocol mock sees it. */
export interface WsMockConnection {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  /** The upgrade URL (path and query), resolved against the server's `http://` base. */
  readonly url: URL;
  /** Request headers, names lower-case. */
  readonly headers: Record<string, string>;
}

export interface WsMockServerOptions {
  /**
   * Called before the handshake completes. Return a {@link WsRejection} to answer with that status
   * (what the client sees as a failed connect), or nothing to accept. May be async (e.g. a scripted delay).
   */
  onUpgrade?(request: IncomingMessage, url: URL): WsRejection | undefined | Promise<WsRejection | undefined>;
  /** Called for every accepted connection: speak the provider's protocol on `connection.socket`. */
  onConnection(connection: WsMockConnection): void;
  /** Plain HTTP requests on the same port (e.g. a provider's REST endpoint next to its WebSocket). @default 404 */
  onRequest?(request: IncomingMessage, response: ServerResponse): void;
}

/** A real WebSocket server on 127.0.0.1 (the LiveKit plugins use the `ws` package, which msw cannot intercept). */
export interface WsMockServer {
  /** `http://127.0.0.1:<port>`: the plugins turn `http` into `ws` themselves. */
  readonly baseURL: string;
  /** `ws://127.0.0.1:<port>`. */
  readonly wsURL: string;
  readonly port: number;
  /** Sockets that are open now. */
  readonly connections: ReadonlySet<WebSocket>;
  /** Terminates every connection and stops listening; leaves no open handle. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a WebSocket server on a free port of 127.0.0.1, for protocol mocks (STT/TTS streaming). It tracks
 * connections, can refuse handshakes with a status code, and closes everything on `close()`.
 *
 * @example
 * const server = await startWsMockServer({ onConnection: ({ socket }) => socket.on('message', (data) => socket.send(data)) });
 * // point the client at server.baseURL … then
 * await server.close();
 */
export async function startWsMockServer(options: WsMockServerOptions): Promise<WsMockServer> {
  const wss = new WebSocketServer({ noServer: true });
  const connections = new Set<WebSocket>();
  const sockets = new Set<Socket>();
  const http = createServer((request, response) => {
    if (options.onRequest) options.onRequest(request, response);
    else response.writeHead(404).end();
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    // Node's HTTP server drops its own 'error' listener from an upgraded socket, and `ws` adds one only in
    // handleUpgrade: while `onUpgrade` runs (a scripted handshake delay), a client that gives up and resets the
    // connection would otherwise be an uncaught ECONNRESET in the test process.
    socket.on('error', () => socket.destroy());
    void (async () => {
      const rejection = await options.onUpgrade?.(request, url);
      if (socket.destroyed) return;
      if (rejection) {
        const body = rejection.body ?? '';
        const headers = {
          'content-type': 'text/plain',
          'content-length': String(Buffer.byteLength(body)),
          connection: 'close',
          ...rejection.headers,
        };
        socket.end(
          `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? 'Error'}\r\n` +
            Object.entries(headers)
              .map(([name, value]) => `${name}: ${value}\r\n`)
              .join('') +
            `\r\n${body}`,
        );
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        connections.add(ws);
        ws.once('close', () => connections.delete(ws));
        // A mock never crashes the test process on a client's protocol error.
        ws.on('error', () => undefined);
        options.onConnection({ socket: ws, request, url, headers: headerRecord(request.headers) });
      });
    })().catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    wsURL: `ws://127.0.0.1:${port}`,
    port,
    connections,
    close() {
      closing ??= (async () => {
        for (const ws of connections) ws.terminate();
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** A client's JSON message as an object; `undefined` when the frame is not valid JSON (mocks answer that themselves). */
export function jsonMessage(data: RawData): Record<string, unknown> | undefined {
  try {
    return (JSON.parse(String(data)) as Record<string, unknown> | null) ?? undefined;
  } catch {
    return undefined;
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one refused connection was sent. */
export interface RefusedConnection {
  /** Body bytes written so far (the socket takes them only as fast as the client reads). */
  bytes: number;
  /** The whole body went out: the client read it to `limit`. */
  finished: boolean;
  /** The client dropped the connection. */
  closed: boolean;
}

/**
 * A WebSocket server on 127.0.0.1 that answers every upgrade with `status` and a body of up to `limit` bytes (pass a
 * huge one for "endless"), written as fast as the client reads it. Records what each connection took.
 */
export async function startEndlessRefusal(options: { status: number; limit: number }): Promise<{
  /** `http://127.0.0.1:<port>` */
  origin: string;
  sent: RefusedConnection[];
  close(): Promise<void>;
}> {
  const sent: RefusedConnection[] = [];
  const server: Server = createServer();
  server.on('upgrade', (_request, socket) => {
    const entry: RefusedConnection = { bytes: 0, finished: false, closed: false };
    sent.push(entry);
    socket.on('error', () => undefined);
    socket.once('close', () => (entry.closed = true));
    socket.write(`HTTP/1.1 ${options.status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 'overloaded ');
    const pump = () => {
      while (!socket.destroyed && entry.bytes < options.limit) {
        const part = chunk.subarray(0, options.limit - entry.bytes);
        entry.bytes += part.length;
        if (!socket.write(part)) return void socket.once('drain', pump);
      }
      if (!socket.destroyed) socket.end(() => (entry.finished = true));
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    sent,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

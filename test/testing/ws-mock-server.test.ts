import { connect, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { startWsMockServer } from '../../src/testing/ws-mock-server.js';
import { uncaughtDuring } from '../helpers/uncaught-during.js';

// A mock's client is a network peer: a client that gives up on a slow handshake (a connect timeout shorter than the
// mock's `connectDelayMs`) may reset the connection. That must never end the test process.

/** Opens a TCP connection to `port` and sends a WebSocket upgrade request. */
function upgradeRequest(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    'GET /v1/listen HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  return socket;
}

it.each([
  ['accepts it', undefined],
  ['refuses it', { status: 429 }],
])('a client resetting the connection while the mock delays its handshake (then %s) is no uncaught exception', async (_, answer) => {
  let upgrading!: () => void;
  const upgraded = new Promise<void>((resolve) => (upgrading = resolve));
  let release!: () => void;
  let serverSide: Socket | undefined;
  const server = await startWsMockServer({
    async onUpgrade(request) {
      serverSide = request.socket as Socket;
      upgrading();
      await new Promise<void>((resolve) => (release = resolve)); // the scripted delay, ended by the test
      return answer;
    },
    onConnection: () => undefined,
  });
  try {
    const { uncaught } = await uncaughtDuring(async () => {
      const client = upgradeRequest(server.port);
      await upgraded;
      const closed = new Promise((resolve) => serverSide!.once('close', resolve));
      client.resetAndDestroy(); // a TCP RST, as a client timing out mid-handshake may send
      await closed; // the server side saw the reset
      release();
    });
    expect(uncaught).toEqual([]);
    expect(server.connections.size).toBe(0);
  } finally {
    await server.close();
  }
});

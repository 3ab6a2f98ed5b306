import { afterEach, describe, expect, it } from 'vitest';
import { probeWebSocket } from '../../src/providers/probe-websocket.js';
import { startEndlessRefusal } from '../helpers/endless-refusal.js';
import { eventually } from '../helpers/eventually.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('probeWebSocket', () => {
  it('a refused handshake with an endless body: reports the status and the start of the body, then drops the connection', async () => {
    const LIMIT = 64 * 1024 * 1024;
    const server = await startEndlessRefusal({ status: 403, limit: LIMIT });
    servers.push(server);
    // The signal only keeps a probe that reads the whole body from hanging the test.
    const result = await probeWebSocket(`${server.origin.replace('http', 'ws')}/listen`, {}, { signal: AbortSignal.timeout(20_000) });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^HTTP 403: overloaded overloaded/) });
    expect(result.error!.length).toBeLessThan(200);
    expect(await eventually(() => server.sent[0]?.closed)).toBe(true);
    expect(server.sent[0]!.finished).toBe(false);
    // It stopped reading long before the body ended (a few MB at most sit in the sockets' buffers).
    expect(server.sent[0]!.bytes).toBeLessThan(LIMIT / 4);
  });

  it('a refused handshake with a short body: its status and the provider’s message', async () => {
    const server = await startEndlessRefusal({ status: 401, limit: 10 });
    servers.push(server);
    const result = await probeWebSocket(`${server.origin.replace('http', 'ws')}/listen`, {}, { signal: undefined });
    expect(result.ok).toBe(false);
    expect(result.error).toBe('HTTP 401: overloaded');
  });
});

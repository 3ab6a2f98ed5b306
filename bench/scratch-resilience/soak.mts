import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initializeLogger, llm } from '@livekit/agents';
import { createVoiceStack } from '../../src/index.js';
initializeLogger({ pretty: false, level: 'silent' });
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
console.error = () => undefined;
type Fault = 'ok' | 'rate_limit' | 'server' | 'loading' | 'auth' | 'reset' | 'malformed_first' | 'stall' | 'malformed_mid' | 'slow';
const FAULTS: Fault[] = ['ok', 'ok', 'ok', 'rate_limit', 'server', 'loading', 'auth', 'reset', 'malformed_first', 'stall', 'malformed_mid', 'slow'];

/** Seeded, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

/**
 * A real OpenAI-format server on 127.0.0.1 with a random fault per request: real sockets, so that the soak can count
 * them (msw's socket emulation keeps a handle for every stream the client aborts).
 */
async function startFaultyServer(next: () => number) {
  const chunk = (model: string, content: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
  const requests = { count: 0 };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (data: Buffer) => (body += data.toString()));
    request.on('end', () => {
      requests.count++;
      const model = String((JSON.parse(body || '{}') as { model?: string }).model);
      const reply = model === 'local' ? 'Hello from llama.cpp.' : 'Hello from OpenRouter.';
      const fault = FAULTS[Math.floor(next() * FAULTS.length)]!;
      const error = (status: number, headers: Record<string, string> = {}) =>
        response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error: { message: `fault ${status}`, code: status } }));
      if (fault === 'rate_limit') return error(429, { 'retry-after': '0.05' });
      if (fault === 'server') return error(500);
      if (fault === 'loading') return error(503);
      if (fault === 'auth') return error(401);
      if (fault === 'reset') return request.socket.destroy();
      const timers: NodeJS.Timeout[] = [];
      response.on('close', () => timers.forEach(clearTimeout));
      const stream = () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        if (fault === 'malformed_first') return response.end('data: {"id": "c", "choices": [\n\n');
        const words = fault === 'stall' || fault === 'malformed_mid' ? ['partial ', 'answer ', 'here'] : (reply.match(/\S+\s*/g) ?? []);
        response.write(chunk(model, words[0]!));
        if (fault === 'stall') return; // silence, connection open: the client gives up
        if (fault === 'malformed_mid') return response.end('data: {"id": "c", "choices": [\n\n');
        for (const word of words.slice(1)) response.write(chunk(model, word));
        response.end('data: [DONE]\n\n');
      };
      if (fault === 'slow') timers.push(setTimeout(stream, 150)); // beyond the 100 ms first-token timeout
      else stream();
    });
  });
  server.keepAliveTimeout = 50; // idle sockets go away quickly, so counts settle
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}


const next = random(42);
const server = await startFaultyServer(next);
const verbal = process.env.NOVERBAL ? false : { holding: ['Hold on.'], apology: 'Sorry.', holdingAfterMs: 100, minIntervalMs: 1 };
const stack = await createVoiceStack({ llm: [
  { provider: 'openai-compatible', baseURL: server.baseURL, model: 'a', timeoutMs: 100 },
  { provider: 'openai-compatible', baseURL: server.baseURL, model: 'b', timeoutMs: 100 },
  { provider: 'llama-cpp', baseURL: server.baseURL, timeoutMs: 100 }],
  retry: { windowMs: 250, initialDelayMs: 5, maxDelayMs: 20, stallTimeoutMs: 40 }, verbal } as any, { env: {}, logger: { debug() {}, info() {}, warn() {}, error() {} } });
const chain = stack.llm as llm.LLM;
const turn = async () => { const c = llm.ChatContext.empty(); c.addMessage({ role: 'user', content: 'q' }); await chain.chat({ chatCtx: c }).collect(); };
const N = Number(process.argv[2] ?? 40);
for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 25 }, turn));
await new Promise((r) => setTimeout(r, 300)); gc(); const h0 = process.memoryUsage().heapUsed;
if (process.env.SNAP) writeHeapSnapshot('/tmp/h0.heapsnapshot');
for (let i = 0; i < N; i++) await Promise.all(Array.from({ length: 25 }, turn));
await new Promise((r) => setTimeout(r, 300)); gc(); const h1 = process.memoryUsage().heapUsed;
if (process.env.SNAP) writeHeapSnapshot('/tmp/h1.heapsnapshot');
console.log('KB/turn', ((h1 - h0) / N / 25 / 1024).toFixed(2));
await stack.close(); await server.close();

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { llm } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTextSession } from '../../src/testing/index.js';
import { gc, random, resources, settled } from '../helpers/soak-probes.js';
import { chainStack } from '../helpers/chain-stack.js';
import { count } from '../helpers/recorders.js';

// Bounded by default (well under a minute); SOAK=1 for a long run.
const TURNS = process.env.SOAK ? 20_000 : 1_500;
const SESSION_TURNS = process.env.SOAK ? 200 : 20;
const BATCH = 25;
const HOLDING = 'Hold on.';
const APOLOGY = 'Sorry, not now.';

type Fault = 'ok' | 'rate_limit' | 'server' | 'loading' | 'auth' | 'reset' | 'malformed_first' | 'stall' | 'malformed_mid' | 'slow';
const FAULTS: Fault[] = [
  'ok',
  'ok',
  'ok',
  'rate_limit',
  'server',
  'loading',
  'auth',
  'reset',
  'malformed_first',
  'stall',
  'malformed_mid',
  'slow',
];

/**
 * A real OpenAI-format server on 127.0.0.1 with a random fault per request: real sockets, so that the soak can count
 * them (msw's socket emulation keeps a handle for every stream the client aborts).
 */
async function startFaultyServer(next: () => number) {
  const chunk = (model: string, content: string) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
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
        response
          .writeHead(status, { 'content-type': 'application/json', ...headers })
          .end(JSON.stringify({ error: { message: `fault ${status}`, code: status } }));
      if (fault === 'rate_limit') return void error(429, { 'retry-after': '0.05' });
      if (fault === 'server') return void error(500);
      if (fault === 'loading') return void error(503);
      if (fault === 'auth') return void error(401);
      if (fault === 'reset') return void request.socket.destroy();
      const timers: NodeJS.Timeout[] = [];
      response.on('close', () => timers.forEach(clearTimeout));
      const stream = () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        if (fault === 'malformed_first') return void response.end('data: {"id": "c", "choices": [\n\n');
        const words = fault === 'stall' || fault === 'malformed_mid' ? ['partial ', 'answer ', 'here'] : (reply.match(/\S+\s*/g) ?? []);
        response.write(chunk(model, words[0]!));
        if (fault === 'stall') return; // silence, connection open: the client gives up
        if (fault === 'malformed_mid') return void response.end('data: {"id": "c", "choices": [\n\n');
        for (const word of words.slice(1)) response.write(chunk(model, word));
        response.end('data: [DONE]\n\n');
      };
      if (fault === 'slow')
        timers.push(setTimeout(stream, 350)); // time itself: the mock answers after 350 ms, beyond the 250 ms first-token timeout (a fault, not a wait)
      else stream();
    });
  });
  server.keepAliveTimeout = 50; // idle sockets go away quickly, so counts settle
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Why `text` is not an answer (possibly after the holding phrase, possibly cut short by a mid-stream failure) nor
 * exactly one apology; `undefined` when it is. Plain checks, not `expect`, so that thousands of turns stay cheap.
 */
function problemWith(text: string): string | undefined {
  const body = text.startsWith(HOLDING) ? text.slice(HOLDING.length).trim() : text.trim();
  if (count(text, HOLDING) > 1) return `holding phrase twice: ${text}`;
  if (count(text, APOLOGY) > 1) return `apology twice: ${text}`;
  if (body.includes(APOLOGY)) return body === APOLOGY ? undefined : `apology mixed with an answer: ${text}`;
  return /^(Hello from (OpenRouter|llama\.cpp)\.|partial( answer( here)?)?)$/.test(body)
    ? undefined
    : `neither an answer nor the apology: "${text}"`;
}

describe('soak: many chain turns with random faults', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(() => void process.on('unhandledRejection', onRejection));
  afterAll(() => void process.off('unhandledRejection', onRejection));

  it(
    `${TURNS} turns end in an answer or exactly one apology, leaking nothing`,
    { timeout: process.env.SOAK ? 1_800_000 : 300_000 }, // a hang guard, not a speed limit: a busy machine takes several times longer
    async () => {
      // The OpenAI SDK prints malformed chunks with console.error; vitest would keep every line (and the heap would grow).
      // (Not vi.spyOn: a spy keeps every call's arguments.)
      const consoleError = console.error;
      console.error = () => undefined;
      const next = random(42);
      const server = await startFaultyServer(next);
      // Deadlines a loaded machine can hold (two busy loops on 2 cores): with a 100 ms first-token timeout and a 40 ms
      // stall timeout, the event loop's lag alone timed out healthy replies (205 answers in 1,520 turns, under 1/4).
      const { stack, logger, recorder } = await chainStack(
        {
          retry: { windowMs: 600, initialDelayMs: 5, maxDelayMs: 20, stallTimeoutMs: 100 },
          verbal: { holding: [HOLDING], apology: APOLOGY, holdingAfterMs: 250, minIntervalMs: 1 },
        },
        [
          { provider: 'openai-compatible', baseURL: server.baseURL, model: 'a', timeoutMs: 250 },
          { provider: 'openai-compatible', baseURL: server.baseURL, model: 'b', timeoutMs: 250 },
          { provider: 'llama-cpp', baseURL: server.baseURL, timeoutMs: 250 },
        ],
      );
      const chain = stack.llm as llm.LLM;
      const children = stack.options.llm.map((option) => option.instance as llm.LLM);
      const listeners = () => children.map((child) => child.listenerCount('error') + child.listenerCount('metrics_collected'));
      const turn = async (index: number) => {
        const chatCtx = llm.ChatContext.empty();
        chatCtx.addMessage({ role: 'user', content: `question ${index}` });
        return (await chain.chat({ chatCtx }).collect()).text;
      };
      const outcomes = { answered: 0, apologised: 0 };
      const problems: string[] = [];
      const record = (text: string) => {
        const problem = problemWith(text);
        if (problem) problems.push(problem);
        if (text.includes(APOLOGY)) outcomes.apologised++;
        else outcomes.answered++;
      };

      try {
        // Some turns through a real session first.
        const session = await startTextSession(stack);
        for (let index = 0; index < SESSION_TURNS; index++) {
          record((await session.ask(`question ${index}`)).text);
        }
        await session.close();

        // Warm up, then take the baseline once what the warm-up left closing has gone.
        const idle = resources();
        for (let index = 0; index < 2 * BATCH; index++) await turn(index);
        logger.lines.length = 0;
        logger.entries.length = 0;
        recorder.events.length = 0;
        let eventCount = 0;
        await settled(idle);
        gc();
        const baseline = { ...resources(), listeners: listeners(), heap: process.memoryUsage().heapUsed };

        let heapAtThird = 0;
        for (let start = 0; start < TURNS; start += BATCH) {
          // The recording logger keeps every line: forget them, or the heap check would measure the test's own log.
          logger.lines.length = 0;
          logger.entries.length = 0;
          eventCount += recorder.events.length;
          recorder.events.length = 0;
          const texts = await Promise.all(Array.from({ length: BATCH }, (_, offset) => turn(start + offset)));
          texts.forEach(record);
          if (!heapAtThird && start >= TURNS / 3) {
            gc();
            heapAtThird = process.memoryUsage().heapUsed;
          }
        }
        await settled({ timers: baseline.timers, sockets: Infinity }); // aborted streams' timers (sockets: below)
        gc();
        const after = { timers: resources().timers, listeners: listeners(), heap: process.memoryUsage().heapUsed };

        expect(problems).toEqual([]);
        expect(eventCount).toBeGreaterThan(TURNS / 2);
        expect(outcomes.answered).toBeGreaterThan(TURNS / 4);
        expect(outcomes.apologised).toBeGreaterThan(0);
        expect(rejections).toEqual([]);
        expect(after.listeners).toEqual(baseline.listeners);
        expect(after.timers).toBeLessThanOrEqual(baseline.timers);
        // Sockets: idle keep-alive connections close within a few seconds; aborted streams must not linger.
        await vi.waitFor(() => expect(resources().sockets).toBeLessThanOrEqual(baseline.sockets), { timeout: 10_000, interval: 200 });
        // The heap does not grow with the number of turns (allow for allocator noise).
        expect(after.heap - heapAtThird).toBeLessThan(4 * 1024 * 1024);
      } finally {
        await stack.close();
        await server.close();
        console.error = consoleError;
      }
    },
  );
});

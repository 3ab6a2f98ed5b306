// A call process of one mode (as LiveKit runs each call in its own process): a stack filed under `mode`, over a mocked
// LLM whose replies take `delayMs`, answers `turns` text turns, every `apologyEvery`-th one with the apology (its LLM
// fails for the whole retry window). Waits for "go" on stdin so that every process writes to the store at once, then
// prints what it saw: `{ mode, turns: [{ llmTtftMs, endToEndMs, apologised }] }`.
//   mode-worker.ts <redis URL | machine dir> <mode> <delayMs> <turns> <apologyEvery (0: none)> <counter rounds>
import { createInterface } from 'node:readline';
import { setupServer } from 'msw/node';
import { createVoiceStack } from '../../../src/stack/create-voice-stack.js';
import { createMachineStore } from '../../../src/state/create-machine-store.js';
import { createRedisStore } from '../../../src/state/create-redis-store.js';
import { mockOpenAIEndpoint, startTextSession } from '../../../src/testing/index.js';
import type { TurnMetrics } from '../../../src/policies/events.js';

const [where, mode, delay, turnCount, every, rounds] = process.argv.slice(2);
const delayMs = Number(delay);
const endpoint = mockOpenAIEndpoint({ baseURL: `http://${mode}.test/v1`, reply: 'Sure.' });
const server = setupServer(...endpoint.handlers);
server.listen();
const store = where!.startsWith('redis://')
  ? await createRedisStore({ url: where! }, { connectTimeoutMs: 60_000 })
  : createMachineStore({ dir: where! });
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const stack = await createVoiceStack(
  {
    llm: { provider: 'openai-compatible', baseURL: `http://${mode}.test/v1`, model: `${mode}-model` },
    retry: { windowMs: 300, initialDelayMs: 50, maxDelayMs: 100 },
    verbal: { apology: 'Sorry, I cannot answer right now.', holdingAfterMs: 60_000 },
  },
  { logger: quiet, store, mode, fleetMetrics: { flushIntervalMs: 20 } },
);
const seen: Array<Pick<TurnMetrics, 'llmTtftMs' | 'endToEndMs' | 'apologised'>> = [];
stack.on('turn', (turn) => seen.push({ llmTtftMs: turn.llmTtftMs, endToEndMs: turn.endToEndMs, apologised: turn.apologised }));

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
await lines.next();

// Raw increments too, racing the other processes on one key: `rounds` × { n: 1 }.
const racing = (async () => {
  for (let round = 0; round < Number(rounds); round++) await store.increment!('race:all', { n: 1, [`p${process.pid % 4}`]: 1 }, 600_000);
})();
const session = await startTextSession(stack);
for (let turn = 0; turn < Number(turnCount); turn++) {
  const apologise = Number(every) > 0 && turn % Number(every) === Number(every) - 1;
  endpoint.reset();
  endpoint.use(apologise ? { status: 500 } : { delayMs });
  await session.ask(`Question ${turn}`);
}
await session.close();
await racing;
await stack.close(); // flushes what is left
await store.close();
server.close();
process.stdout.write(`${JSON.stringify({ mode, turns: seen })}\n`);
process.exit(0);

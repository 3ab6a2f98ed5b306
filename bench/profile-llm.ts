import { initializeLogger } from '@livekit/agents';

// Before anything builds a LiveKit instance: LiveKit's constructors need its logger, and logging must not be profiled.
initializeLogger({ pretty: false, level: 'silent' });

/**
 * Healthy LLM turns of one contender against the bench's endpoint, for a CPU profile:
 * `PROFILE=raw|one|two TURNS=2000 node_modules/.bin/node --import tsx --cpu-prof bench/profile-llm.ts`
 * (`raw`: the plugin; `one`, `two`: stack.llm with one option or a 2-option chain). Prints the median CPU per turn.
 */
const { rawContender, stackContender, timeTurn } = await import('./contenders.js');
const { startServerThread } = await import('./server-thread.js');

const which = process.env.PROFILE ?? 'two';
const turns = Number(process.env.TURNS ?? 2000);
const warmup = 30;
const server = await startServerThread({ ttftMs: 15, gapMs: 1, words: 12, models: {}, speech: { ttfbMs: 15, audioMs: 500 } });
const contender =
  which === 'raw'
    ? rawContender('raw', server.baseURL, 'healthy')
    : await stackContender(which, server.baseURL, which === 'one' ? ['healthy'] : ['healthy', 'healthy-b']);
const cpu: number[] = [];
for (let i = 0; i < warmup + turns; i++) {
  const before = process.cpuUsage();
  const turn = await timeTurn(contender, { deadlineMs: 30_000 });
  const used = process.cpuUsage(before);
  if (turn.error) throw new Error(turn.error);
  if (i >= warmup) cpu.push(used.user + used.system);
}
cpu.sort((a, b) => a - b);
console.log(`${which}: median CPU per turn ${cpu[cpu.length >> 1]} µs over ${turns} turns`);
await contender.close();
await server.close();

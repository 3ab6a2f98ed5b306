import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Contender, fallbackAdapterContender, rawContender, rawLLM, stackContender, timeTurn, type Turn } from './contenders.js';
import { round, shuffle, summarize, type Summary } from './stats.js';

export interface ScaleRow {
  contender: string;
  turns: number;
  errors: number;
  firstError?: string;
  /** Turns that began with the stack's holding phrase (no first token within `verbal.holdingAfterMs`). */
  heldTurns: number;
  ttft: Summary;
  total: Summary;
  /** Process CPU time (user + system) per turn, in µs; the endpoint thread's share is the same for every contender. */
  cpuPerTurnUs: number;
  /** Wall time of one batch of concurrent turns (median over rounds), in ms. */
  batchMs: number;
  /** Event-loop delay while the batches ran, in ms. */
  eventLoopDelay: { p50: number; p99: number; max: number };
  /** TTFT − raw TTFT, in ms. */
  ttftP50AddedMs: number;
  ttftP99AddedMs: number;
}

export interface MemoryRow {
  what: string;
  instances: number;
  /** Heap delta after GC for N instances / N, in KiB. */
  heapPerInstanceKiB: number;
}

export interface ScaleResult {
  concurrency: number;
  rounds: number;
  rows: ScaleRow[];
  memory: MemoryRow[];
}

/** 1,000 (or `concurrency`) turns at once through one instance; rounds alternate the contenders. */
export async function runScale(baseURL: string, concurrency: number, rounds: number, memoryInstances: number): Promise<ScaleResult> {
  const contenders: Contender[] = [
    rawContender('raw openai.LLM', baseURL, 'healthy'),
    await stackContender('stack.llm (2-option chain)', baseURL, ['healthy', 'healthy-b']),
  ];
  const turns = new Map<string, Turn[]>(contenders.map((contender) => [contender.name, []]));
  const batches = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  /** CPU per turn of each batch, in µs. */
  const cpu = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  const delays = new Map(contenders.map((contender) => [contender.name, monitorEventLoopDelay({ resolution: 10 })]));
  try {
    // One untimed batch each, at full size: sockets opened, code paths warm (a cold first batch of 1,000 ran 2× the CPU).
    for (const contender of contenders)
      await Promise.all(Array.from({ length: concurrency }, () => timeTurn(contender, { deadlineMs: 60_000 })));
    for (let round = 0; round < rounds; round++) {
      for (const contender of shuffle([...contenders])) {
        const histogram = delays.get(contender.name)!;
        const start = performance.now();
        const before = process.cpuUsage();
        histogram.enable();
        const batch = await Promise.all(Array.from({ length: concurrency }, () => timeTurn(contender, { deadlineMs: 60_000 })));
        histogram.disable();
        const used = process.cpuUsage(before);
        cpu.get(contender.name)!.push((used.user + used.system) / concurrency);
        batches.get(contender.name)!.push(performance.now() - start);
        turns.get(contender.name)!.push(...batch);
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
  }
  const rows = contenders.map((contender) => {
    const all = turns.get(contender.name)!;
    const ok = all.filter((turn) => !turn.error);
    const histogram = delays.get(contender.name)!;
    const failed = all.find((turn) => turn.error);
    return {
      contender: contender.name,
      turns: all.length,
      errors: all.length - ok.length,
      ...(failed && { firstError: failed.error }),
      heldTurns: all.filter((turn) => turn.held).length,
      ttft: summarize(ok.map((turn) => turn.ttftMs)),
      total: summarize(ok.map((turn) => turn.totalMs)),
      // The median batch: a full GC lands in one contender's batch or the other's, and moved a 3-round mean by ±10 %.
      cpuPerTurnUs: Math.round(summarize(cpu.get(contender.name)!).median),
      batchMs: summarize(batches.get(contender.name)!).median,
      eventLoopDelay: {
        p50: round(histogram.percentile(50) / 1e6),
        p99: round(histogram.percentile(99) / 1e6),
        max: round(histogram.max / 1e6),
      },
    };
  });
  const raw = rows[0]!;
  return {
    concurrency,
    rounds,
    rows: rows.map((row) => ({
      ...row,
      ttftP50AddedMs: round(row.ttft.median - raw.ttft.median),
      ttftP99AddedMs: round(row.ttft.p99 - raw.ttft.p99),
    })),
    memory: await measureMemory(baseURL, memoryInstances),
  };
}

/** Heap cost of one instance: N built and kept alive, heap delta after a full GC, divided by N. */
async function measureMemory(baseURL: string, count: number): Promise<MemoryRow[]> {
  const gc = exposeGC();
  const kinds: [string, () => Promise<{ close(): Promise<void> }>][] = [
    [
      'raw openai.LLM',
      async () => {
        const instance = rawLLM(baseURL, 'healthy');
        return { close: () => instance.aclose() };
      },
    ],
    ['llm.FallbackAdapter (2)', async () => fallbackAdapterContender('adapter', baseURL, ['healthy', 'healthy-b'])],
    ['stack, 1 LLM option', () => stackContender('stack', baseURL, ['healthy'])],
    ['stack, 2-option LLM chain', () => stackContender('stack', baseURL, ['healthy', 'healthy-b'])],
  ];
  const rows: MemoryRow[] = [];
  // The first measurement of a process also pays one-time heap growth: measure every kind twice, keep the second.
  for (const [pass, [what, build]] of [...kinds.map((kind) => [0, kind] as const), ...kinds.map((kind) => [1, kind] as const)]) {
    await build().then((instance) => instance.close()); // first-use costs (lazy imports, caches) are not per instance
    // Closed instances are released by callbacks that run a little later: let them, so they count for nobody.
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc();
    const before = process.memoryUsage().heapUsed;
    const instances = [];
    for (let i = 0; i < count; i++) instances.push(await build());
    gc();
    const after = process.memoryUsage().heapUsed;
    if (pass === 1) rows.push({ what, instances: count, heapPerInstanceKiB: round((after - before) / count / 1024, 1) });
    await Promise.all(instances.map((instance) => instance.close()));
    // A suspended async function keeps its locals: empty the array, or this kind would weigh on the next one's baseline.
    instances.length = 0;
  }
  return rows;
}

/** `global.gc` without restarting node with `--expose-gc`. */
function exposeGC(): () => void {
  // V8 drops the bytecode of functions unused for a few GCs: that shrinking would be counted against the instances.
  setFlagsFromString('--no-flush-bytecode');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

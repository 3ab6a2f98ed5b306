import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  rawTTSContender,
  stackTTSContender,
  timeUtterance,
  ttsEntry,
  type TTSContender,
  type TTSFormat,
  type Utterance,
} from './speech-contenders.js';
import { rawName } from './tts-overhead.js';
import { ratio, round, shuffle, summarize, type Summary } from './stats.js';

export interface TTSScaleRow {
  contender: string;
  streams: number;
  errors: number;
  firstError?: string;
  ttfa: Summary;
  total: Summary;
  /** Process CPU time (user + system) per stream, in µs; the endpoint thread's share is the same for every contender. */
  cpuPerStreamUs: number;
  /** CPU per stream / raw CPU per stream. */
  cpuRatio: number;
  /** Wall time of one batch (median over rounds), in ms. */
  batchMs: number;
  eventLoopDelay: { p50: number; p99: number; max: number };
}

export interface TTSScaleResult {
  format: TTSFormat;
  concurrency: number;
  rounds: number;
  rows: TTSScaleRow[];
}

/**
 * `concurrency` utterances at once through one instance, for one format (Cartesia's WebSocket, OpenAI's HTTP); rounds
 * alternate the contenders.
 */
export async function runTTSScale(format: TTSFormat, baseURL: string, concurrency: number, rounds: number): Promise<TTSScaleResult> {
  const [first, second] = format === 'cartesia' ? ['sonic-3', 'sonic-2'] : ['healthy', 'healthy-b'];
  const contenders: TTSContender[] = [
    rawTTSContender(rawName(format), format, baseURL, first),
    await stackTTSContender('stack.tts (2-option chain)', [ttsEntry(format, baseURL, first), ttsEntry(format, baseURL, second)]),
  ];
  const utterances = new Map<string, Utterance[]>(contenders.map((contender) => [contender.name, []]));
  const batches = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  const cpu = new Map<string, number>(contenders.map((contender) => [contender.name, 0]));
  const delays = new Map(contenders.map((contender) => [contender.name, monitorEventLoopDelay({ resolution: 10 })]));
  try {
    // One untimed batch each: the pooled sockets opened, code paths warm.
    for (const contender of contenders) await Promise.all(Array.from({ length: concurrency }, () => timeUtterance(contender)));
    for (let round = 0; round < rounds; round++) {
      for (const contender of shuffle([...contenders])) {
        const histogram = delays.get(contender.name)!;
        const start = performance.now();
        const before = process.cpuUsage();
        histogram.enable();
        const batch = await Promise.all(Array.from({ length: concurrency }, () => timeUtterance(contender, { deadlineMs: 60_000 })));
        histogram.disable();
        const used = process.cpuUsage(before);
        cpu.set(contender.name, cpu.get(contender.name)! + used.user + used.system);
        batches.get(contender.name)!.push(performance.now() - start);
        utterances.get(contender.name)!.push(...batch);
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
  }
  const rows = contenders.map((contender) => {
    const all = utterances.get(contender.name)!;
    const ok = all.filter((utterance) => !utterance.error);
    const failed = all.find((utterance) => utterance.error);
    const histogram = delays.get(contender.name)!;
    return {
      contender: contender.name,
      streams: all.length,
      errors: all.length - ok.length,
      ...(failed && { firstError: failed.error }),
      ttfa: summarize(ok.map((utterance) => utterance.ttfaMs)),
      total: summarize(ok.map((utterance) => utterance.totalMs)),
      cpuPerStreamUs: Math.round(cpu.get(contender.name)! / all.length),
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
    format,
    concurrency,
    rounds,
    rows: rows.map((row) => ({ ...row, cpuRatio: ratio(row.cpuPerStreamUs, raw.cpuPerStreamUs) })),
  };
}

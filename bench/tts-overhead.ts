import {
  rawTTS,
  rawTTSContender,
  stackTTSContender,
  timeUtterance,
  ttsEntry,
  ttsFallbackAdapterContender,
  type TTSContender,
  type TTSFormat,
  type Utterance,
} from './speech-contenders.js';
import { ratio, round, shuffle, summarize, type Summary } from './stats.js';

export interface TTSOverheadRow {
  format: TTSFormat;
  contender: string;
  ttfa: Summary;
  total: Summary;
  errors: number;
  /** Median process CPU time (user + system) of one utterance, in µs (the endpoint thread's share is the same for all). */
  cpuUs: number;
  /** Median time to first audio / raw median. */
  ttfaMedianRatio: number;
  /** Median total synthesis time / raw median. */
  totalMedianRatio: number;
  /** p99 time to first audio − raw p99, in ms. */
  ttfaP99AddedMs: number;
  /** Median CPU per utterance / raw median. */
  cpuRatio: number;
}

export interface TTSOverheadResult {
  utterances: number;
  warmup: number;
  rows: TTSOverheadRow[];
}

/** Where each format's endpoint is: the Cartesia mock, and the OpenAI-format server (`/audio/speech`). */
export type TTSEndpoints = Record<TTSFormat, string>;

export const rawName = (format: TTSFormat) => `raw ${format}.TTS`;

/** Healthy utterances through every contender, interleaved per round, for each format (see overhead.ts for the LLM). */
export async function runTTSOverhead(endpoints: TTSEndpoints, utterances: number, warmup: number): Promise<TTSOverheadResult> {
  const rows: TTSOverheadRow[] = [];
  for (const format of ['cartesia', 'openai'] as const) {
    const baseURL = endpoints[format];
    // Two healthy options of one endpoint: models the mock does not tell apart (the chain keys them apart).
    const [first, second] = format === 'cartesia' ? ['sonic-3', 'sonic-2'] : ['healthy', 'healthy-b'];
    const contenders: TTSContender[] = [
      rawTTSContender(rawName(format), format, baseURL, first),
      await stackTTSContender('stack.tts (1 option)', [ttsEntry(format, baseURL, first)]),
      await stackTTSContender('stack.tts (2-option chain)', [ttsEntry(format, baseURL, first), ttsEntry(format, baseURL, second)]),
      ttsFallbackAdapterContender('tts.FallbackAdapter (2)', [rawTTS(format, baseURL, first), rawTTS(format, baseURL, second)]),
    ];
    const samples = new Map<string, Utterance[]>(contenders.map((contender) => [contender.name, []]));
    const cpu = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
    try {
      for (let round = 0; round < warmup + utterances; round++) {
        for (const contender of shuffle([...contenders])) {
          const before = process.cpuUsage();
          const utterance = await timeUtterance(contender, { deadlineMs: 30_000 });
          const used = process.cpuUsage(before);
          if (round < warmup) continue;
          samples.get(contender.name)!.push(utterance);
          cpu.get(contender.name)!.push(used.user + used.system);
        }
      }
    } finally {
      await Promise.all(contenders.map((contender) => contender.close()));
    }
    const summaries = contenders.map((contender) => {
      const all = samples.get(contender.name)!;
      const ok = all.filter((utterance) => !utterance.error);
      return {
        format,
        contender: contender.name,
        ttfa: summarize(ok.map((utterance) => utterance.ttfaMs)),
        total: summarize(ok.map((utterance) => utterance.totalMs)),
        errors: all.length - ok.length,
        cpuUs: summarize(cpu.get(contender.name)!).median,
      };
    });
    const raw = summaries[0]!;
    rows.push(
      ...summaries.map((row) => ({
        ...row,
        ttfaMedianRatio: ratio(row.ttfa.median, raw.ttfa.median),
        totalMedianRatio: ratio(row.total.median, raw.total.median),
        ttfaP99AddedMs: round(row.ttfa.p99 - raw.ttfa.p99),
        cpuRatio: ratio(row.cpuUs, raw.cpuUs),
      })),
    );
  }
  return { utterances, warmup, rows };
}

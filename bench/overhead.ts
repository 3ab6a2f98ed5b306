import { type Contender, fallbackAdapterContender, rawContender, stackContender, timeTurn, type Turn } from './contenders.js';
import { ratio, round, shuffle, summarize, type Summary } from './stats.js';

export interface OverheadRow {
  contender: string;
  ttft: Summary;
  total: Summary;
  errors: number;
  /** Median process CPU time (user + system) of one turn, in µs: the client's work plus the endpoint's, which is the same for all. */
  cpuUs: number;
  /** Median TTFT / raw median TTFT. */
  ttftMedianRatio: number;
  /** Median total / raw median total. */
  totalMedianRatio: number;
  /** p99 TTFT − raw p99 TTFT, in ms. */
  ttftP99AddedMs: number;
  /** Median TTFT − raw median TTFT, in ms. */
  ttftMedianAddedMs: number;
}

export interface OverheadResult {
  turns: number;
  warmup: number;
  rows: OverheadRow[];
}

export const RAW = 'raw openai.LLM';

/**
 * Healthy path: the same endpoint behind every contender, one turn each per round in a shuffled order, so that
 * machine noise (GC, the other engineers' processes) lands on all of them alike.
 */
export async function runOverhead(baseURL: string, turns: number, warmup: number): Promise<OverheadResult> {
  const contenders: Contender[] = [
    rawContender(RAW, baseURL, 'healthy'),
    await stackContender('stack.llm (1 option)', baseURL, ['healthy']),
    await stackContender('stack.llm (2-option chain)', baseURL, ['healthy', 'healthy-b']),
    fallbackAdapterContender('llm.FallbackAdapter (2)', baseURL, ['healthy', 'healthy-b']),
  ];
  return { turns, warmup, rows: await compareHealthyTurns(contenders, turns, warmup) };
}

/**
 * Times `turns` healthy turns of each contender (after `warmup` untimed ones), one turn each per round in a shuffled
 * order, and closes them. The first contender is the baseline of the ratios.
 */
export async function compareHealthyTurns(contenders: Contender[], turns: number, warmup: number): Promise<OverheadRow[]> {
  const samples = new Map<string, Turn[]>(contenders.map((contender) => [contender.name, []]));
  const cpu = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  try {
    for (let round = 0; round < warmup + turns; round++) {
      for (const contender of shuffle([...contenders])) {
        const before = process.cpuUsage();
        const turn = await timeTurn(contender, { deadlineMs: 30_000 });
        const used = process.cpuUsage(before);
        if (round < warmup) continue;
        samples.get(contender.name)!.push(turn);
        cpu.get(contender.name)!.push(used.user + used.system);
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
  }
  const summaries = contenders.map((contender) => {
    const all = samples.get(contender.name)!;
    const ok = all.filter((turn) => !turn.error);
    return {
      contender: contender.name,
      ttft: summarize(ok.map((turn) => turn.ttftMs)),
      total: summarize(ok.map((turn) => turn.totalMs)),
      errors: all.length - ok.length,
      cpuUs: summarize(cpu.get(contender.name)!).median,
    };
  });
  const raw = summaries[0]!;
  return summaries.map((row) => ({
    ...row,
    ttftMedianRatio: ratio(row.ttft.median, raw.ttft.median),
    totalMedianRatio: ratio(row.total.median, raw.total.median),
    ttftP99AddedMs: round(row.ttft.p99 - raw.ttft.p99),
    ttftMedianAddedMs: round(row.ttft.median - raw.ttft.median),
  }));
}

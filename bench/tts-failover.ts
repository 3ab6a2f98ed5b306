import { DEFAULT_API_CONNECT_OPTIONS } from '@livekit/agents';
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

export type TTSFailoverCase = '429 (first failure)' | '429 (during outage)' | 'hang (first failure)';

export interface TTSFailoverRow {
  format: TTSFormat;
  case: TTSFailoverCase;
  contender: string;
  /** Time to the fallback's first audio (the floor row: time to the primary's error). */
  ttfa: Summary;
  errors: number;
  /** Median / median of a direct call to the fallback. `null` for the floor row. */
  ratioToDirect: number | null;
  /** Median − direct median, in ms (the floor row: its median). */
  addedMs: number | null;
  note?: string;
}

export interface TTSFailoverOptions {
  /** Per format: the healthy fallback, the 429 primary and the hung primary, as `{ baseURL, model }` builders. */
  endpoints: Record<TTSFormat, TTSFailoverEndpoints>;
  trials: number;
  /** Concurrent trials per contender for the hang case (each waits for a timeout). */
  hangTrials: number;
}

export interface TTSFailoverEndpoints {
  /** The healthy fallback. */
  healthy: { baseURL: string; model: string };
  /** A primary that refuses with 429 (`trial` makes a fresh model name: no cooldown carries over). */
  rateLimited(trial: number | 'outage'): { baseURL: string; model: string };
  hanging(trial: number): { baseURL: string; model: string };
}

export const TTS_DIRECT = 'direct call to the fallback';
const STACK = 'stack.tts';
const ADAPTER = 'tts.FallbackAdapter (defaults)';
const BOUND = 'raw plugin on the primary, until its error';

type Primary = { baseURL: string; model: string };
type Build = (primary: Primary) => Promise<TTSContender>;

/** The primary refuses (429) or hangs; the fallback is healthy. Same method as the LLM failover (failover.ts). */
export async function runTTSFailover(options: TTSFailoverOptions): Promise<TTSFailoverRow[]> {
  const rows: TTSFailoverRow[] = [];
  for (const format of ['cartesia', 'openai'] as const) {
    const { healthy, rateLimited, hanging } = options.endpoints[format];
    const builders: Record<string, Build> = {
      [TTS_DIRECT]: async () => rawTTSContender(TTS_DIRECT, format, healthy.baseURL, healthy.model),
      [STACK]: (primary) =>
        stackTTSContender(STACK, [ttsEntry(format, primary.baseURL, primary.model), ttsEntry(format, healthy.baseURL, healthy.model)]),
      [ADAPTER]: async (primary) =>
        ttsFallbackAdapterContender(ADAPTER, [
          rawTTS(format, primary.baseURL, primary.model),
          rawTTS(format, healthy.baseURL, healthy.model),
        ]),
    };
    // maxRetry 0: the error of the first attempt, not the plugin's own retry loop.
    const bound: Build = async (primary) =>
      rawTTSContender(BOUND, format, primary.baseURL, primary.model, { ...DEFAULT_API_CONNECT_OPTIONS, maxRetry: 0 });
    const first = await firstFailure({ ...builders, [BOUND]: bound }, rateLimited, options.trials);
    rows.push(...summarizeCase(format, '429 (first failure)', first));
    rows.push(...summarizeCase(format, '429 (during outage)', await duringOutage(builders, rateLimited('outage'), options.trials)));
    rows.push(...summarizeCase(format, 'hang (first failure)', await concurrentFirstFailure(builders, hanging, options.hangTrials)));
  }
  return rows;
}

/** Fresh instances per trial, so the failing primary is really tried (no cooldown or availability state yet). */
async function firstFailure(builders: Record<string, Build>, primary: (trial: number) => Primary, trials: number) {
  const samples = new Map<string, Utterance[]>(Object.keys(builders).map((name) => [name, []]));
  for (let trial = 0; trial < trials; trial++) {
    for (const name of shuffle(Object.keys(builders))) {
      const contender = await builders[name]!(primary(trial));
      try {
        samples.get(name)!.push(await timeUtterance(contender, { deadlineMs: 30_000 }));
      } finally {
        await contender.close();
      }
    }
  }
  return samples;
}

/** One instance per contender; the first (untimed) utterance meets the 429, the timed ones run while it lasts. */
async function duringOutage(builders: Record<string, Build>, primary: Primary, trials: number) {
  const contenders = await Promise.all(Object.values(builders).map((build) => build(primary)));
  const samples = new Map<string, Utterance[]>(contenders.map((contender) => [contender.name, []]));
  try {
    for (const contender of contenders) await timeUtterance(contender, { deadlineMs: 30_000 });
    for (let trial = 0; trial < trials; trial++) {
      for (const contender of shuffle([...contenders])) {
        samples.get(contender.name)!.push(await timeUtterance(contender, { deadlineMs: 30_000 }));
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
  }
  return samples;
}

/** A hung primary costs a whole timeout per trial: run the trials of every contender at once. */
async function concurrentFirstFailure(builders: Record<string, Build>, primary: (trial: number) => Primary, trials: number) {
  const jobs = Object.keys(builders).flatMap((name) =>
    Array.from({ length: trials }, async (_, trial) => {
      const contender = await builders[name]!(primary(trial));
      try {
        return { name, utterance: await timeUtterance(contender, { deadlineMs: 20_000 }) };
      } finally {
        await contender.close();
      }
    }),
  );
  const samples = new Map<string, Utterance[]>(Object.keys(builders).map((name) => [name, []]));
  for (const { name, utterance } of await Promise.all(jobs)) samples.get(name)!.push(utterance);
  return samples;
}

function summarizeCase(format: TTSFormat, name: TTSFailoverCase, samples: Map<string, Utterance[]>): TTSFailoverRow[] {
  const ok = (utterances: Utterance[]) => utterances.filter((utterance) => !utterance.error);
  const direct = summarize(ok(samples.get(TTS_DIRECT)!).map((utterance) => utterance.ttfaMs));
  return [...samples.entries()].map(([contender, utterances]): TTSFailoverRow => {
    if (contender === BOUND) {
      const ttfa = summarize(utterances.map((utterance) => utterance.totalMs));
      const unexpected = utterances.filter((utterance) => !utterance.error).length;
      return {
        format,
        case: name,
        contender,
        ttfa,
        errors: 0,
        ratioToDirect: null,
        addedMs: ttfa.median,
        note: `time to the error, not to audio: the floor a chain adds before it can try the fallback${unexpected ? ` (${unexpected} unexpectedly spoke)` : ''}`,
      };
    }
    const ttfa = summarize(ok(utterances).map((utterance) => utterance.ttfaMs));
    const failed = utterances.find((utterance) => utterance.error);
    return {
      format,
      case: name,
      contender,
      ttfa,
      errors: utterances.length - ok(utterances).length,
      ratioToDirect: ratio(ttfa.median, direct.median),
      addedMs: round(ttfa.median - direct.median),
      ...(failed && { note: `first error: ${failed.error}` }),
    };
  });
}

import { DEFAULT_API_CONNECT_OPTIONS } from '@livekit/agents';
import {
  type Contender,
  fallbackAdapterContender,
  isLiveKitFallbackAdapter,
  rawContender,
  stackContender,
  timeTurn,
  type Turn,
} from './contenders.js';
import { ratio, round, shuffle, summarize, type Summary } from './stats.js';

export type FailoverCase = '429 (first failure)' | '429 (during outage)' | 'hang (first failure)';

export interface FailoverRow {
  case: FailoverCase;
  contender: string;
  ttft: Summary;
  errors: number;
  /** Median TTFT / median TTFT of a direct call to the fallback. `null` when not measured. */
  ratioToDirect: number | null;
  /** Median TTFT − direct median, in ms. */
  addedMs: number | null;
  /** Why a row was not measured (e.g. hedging not implemented yet). */
  note?: string;
}

export interface FailoverOptions {
  baseURL: string;
  /** Trials per contender for the sequential cases. */
  trials: number;
  /** Concurrent trials per contender for the hang case (each waits for a timeout). */
  hangTrials: number;
  /** `retry.hedgeAfterMs` of the hedged stack. */
  hedgeAfterMs: number;
}

export const DIRECT = 'direct call to the fallback';
const STACK = 'stack.llm';
const HEDGED = 'stack.llm + hedgeAfterMs';
const ADAPTER = 'llm.FallbackAdapter (defaults)';
/** Not a contender: how long the raw plugin takes to raise the primary's error, the floor of what any chain adds. */
const BOUND = 'raw openai.LLM on the primary, until its error';

/** Builds one contender of a failover case; `primary` is the failing model, `healthy` the fallback. */
type Build = (primary: string) => Promise<Contender>;

export async function runFailover(options: FailoverOptions): Promise<{ rows: FailoverRow[]; hedging: string }> {
  const { baseURL, hedgeAfterMs } = options;
  const builders: Record<string, Build> = {
    [DIRECT]: async () => rawContender(DIRECT, baseURL, 'healthy'),
    [STACK]: (primary) => stackContender(STACK, baseURL, [primary, 'healthy']),
    [HEDGED]: (primary) => stackContender(HEDGED, baseURL, [primary, 'healthy'], { hedgeAfterMs }),
    [ADAPTER]: async (primary) => fallbackAdapterContender(ADAPTER, baseURL, [primary, 'healthy']),
  };
  // Hedging is a property of our chain: while `stack.llm` is LiveKit's FallbackAdapter the option is accepted but ignored.
  const probe = await stackContender('probe', baseURL, ['healthy', 'healthy-b'], { hedgeAfterMs });
  let hedging = isLiveKitFallbackAdapter(probe.llm)
    ? "n/a: stack.llm is still LiveKit's FallbackAdapter (hedgeAfterMs ignored)"
    : 'measured';
  await probe.close();

  // The hang case first: it shows whether hedging is in effect, which decides how every hedged row is reported.
  const hang = await concurrentFirstFailure(builders, 'hanging', options.hangTrials);
  if (hedging === 'measured') hedging = hedgingInEffect(hang, hedgeAfterMs);

  const rows: FailoverRow[] = [];
  // maxRetry 0: the error of the first request, not LiveKit's own retry loop (about 4 s with the defaults).
  const bound: Build = async (primary) => ({
    ...rawContender(BOUND, baseURL, primary),
    connOptions: { ...DEFAULT_API_CONNECT_OPTIONS, maxRetry: 0 },
  });
  rows.push(
    ...summarizeCase('429 (first failure)', await firstFailure({ ...builders, [BOUND]: bound }, 'rate-limited', options.trials), hedging),
  );
  rows.push(...summarizeCase('429 (during outage)', await duringOutage(builders, options.trials), hedging));
  rows.push(...summarizeCase('hang (first failure)', hang, hedging));
  return { rows, hedging };
}

/** Fresh instances per trial, so the failing primary is really tried (no cooldown or availability state yet). */
async function firstFailure(builders: Record<string, Build>, primary: string, trials: number): Promise<Map<string, Turn[]>> {
  const samples = new Map<string, Turn[]>(Object.keys(builders).map((name) => [name, []]));
  for (let trial = 0; trial < trials; trial++) {
    for (const name of shuffle(Object.keys(builders))) {
      // A model name per trial: no cooldown can leak from one trial to the next, even through a shared store.
      const contender = await builders[name]!(`${primary}#${trial}`);
      try {
        samples.get(name)!.push(await timeTurn(contender, { deadlineMs: 30_000 }));
      } finally {
        await contender.close();
      }
    }
  }
  return samples;
}

/** One instance per contender; the first (untimed) turn meets the 429, the timed ones run while it lasts. */
async function duringOutage(builders: Record<string, Build>, trials: number): Promise<Map<string, Turn[]>> {
  const contenders = await Promise.all(Object.values(builders).map((build) => build('rate-limited-long')));
  const samples = new Map<string, Turn[]>(contenders.map((contender) => [contender.name, []]));
  try {
    for (const contender of contenders) await timeTurn(contender, { deadlineMs: 30_000 });
    for (let trial = 0; trial < trials; trial++) {
      for (const contender of shuffle([...contenders])) {
        samples.get(contender.name)!.push(await timeTurn(contender, { deadlineMs: 30_000 }));
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
  }
  return samples;
}

/** A hung primary costs a whole timeout per trial: run the trials of every contender at once. */
async function concurrentFirstFailure(builders: Record<string, Build>, primary: string, trials: number): Promise<Map<string, Turn[]>> {
  const jobs = Object.keys(builders).flatMap((name) =>
    Array.from({ length: trials }, async (_, trial) => {
      const contender = await builders[name]!(`${primary}#${trial}`);
      try {
        return { name, turn: await timeTurn(contender, { deadlineMs: 30_000 }) };
      } finally {
        await contender.close();
      }
    }),
  );
  const samples = new Map<string, Turn[]>(Object.keys(builders).map((name) => [name, []]));
  for (const { name, turn } of await Promise.all(jobs)) samples.get(name)!.push(turn);
  return samples;
}

/**
 * Behavioural check, since the option is accepted either way: with a hung primary, a hedged chain answers about
 * `hedgeAfterMs` after a direct call would, long before the first-token timeout.
 */
function hedgingInEffect(hang: Map<string, Turn[]>, hedgeAfterMs: number): string {
  const median = (name: string) => summarize(ok(hang.get(name)!).map((turn) => turn.ttftMs)).median;
  const expected = median(DIRECT) + hedgeAfterMs;
  return median(HEDGED) <= expected * 2
    ? 'measured'
    : `n/a: retry.hedgeAfterMs is accepted but had no effect (hedged TTFT ${Math.round(median(HEDGED))} ms with a hung primary, expected about ${Math.round(expected)} ms): not implemented in the chain yet`;
}

function summarizeCase(name: FailoverCase, samples: Map<string, Turn[]>, hedging: string): FailoverRow[] {
  const direct = summarize(ok(samples.get(DIRECT)!).map((turn) => turn.ttftMs));
  return [...samples.entries()].map(([contender, turns]): FailoverRow => {
    if (contender === BOUND) {
      const ttft = summarize(turns.map((turn) => turn.totalMs));
      return {
        case: name,
        contender,
        ttft,
        errors: 0,
        ratioToDirect: null,
        addedMs: ttft.median,
        note: 'time to the error, not a first token: the floor a chain adds before it can try the fallback',
      };
    }
    const ttft = summarize(ok(turns).map((turn) => turn.ttftMs));
    const unmeasured = contender === HEDGED && hedging !== 'measured';
    const failed = turns.find((turn) => turn.error);
    return {
      case: name,
      contender,
      ttft,
      errors: turns.length - ok(turns).length,
      ratioToDirect: unmeasured ? null : ratio(ttft.median, direct.median),
      addedMs: unmeasured ? null : round(ttft.median - direct.median),
      ...(unmeasured && { note: `n/a (hedging not in effect; measured ${round(ttft.median, 1)} ms)` }),
      ...(failed && { note: `first error: ${failed.error}` }),
    };
  });
}

const ok = (turns: Turn[]) => turns.filter((turn) => !turn.error);

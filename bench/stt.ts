import type { AudioFrame } from '@livekit/rtc-node';
import {
  deepgramEntry,
  rawSTT,
  rawSTTContender,
  stackSTTContender,
  sttFallbackAdapterContender,
  type STTContender,
  utteranceFrames,
  watchFinals,
} from './speech-contenders.js';
import { ratio, round, shuffle, summarize, type Summary } from './stats.js';

export interface STTLatencyRow {
  contender: string;
  /** From the end of speech (the last voiced frame pushed) to the final transcript, in ms. */
  finalAfterSpeech: Summary;
  errors: number;
  /** Median / raw median. */
  medianRatio: number;
  /** Median − raw median, in ms. */
  medianAddedMs: number;
  /** Median process CPU per utterance, in µs. */
  cpuUs: number;
}

export interface STTRecoveryRow {
  contender: string;
  trials: number;
  /** Trials that heard a final transcript again before the deadline. */
  recovered: number;
  /** From the socket's death to the next final transcript, in ms (recovered trials). */
  recovery: Summary;
  note?: string;
}

export interface STTResult {
  trials: number;
  latency: STTLatencyRow[];
  recovery: { trials: number; deadlineMs: number; closeAfterAudioMs: number; rows: STTRecoveryRow[] };
}

export interface STTBenchOptions {
  /** The healthy Deepgram mock. */
  healthy: string;
  /** The Deepgram mock whose next connections die mid-stream when told (`kill`). */
  dying: string;
  /** Scripts the next `count` connections of the dying mock to close after `afterAudioMs` of audio; returns the connections so far. */
  kill(count: number, afterAudioMs: number): Promise<number>;
  /** Connections the dying mock has accepted. */
  connections(): Promise<number>;
  trials: number;
  recoveryTrials: number;
  recoveryDeadlineMs: number;
}

export const RAW_STT = 'raw deepgram.STT';
/** How much audio the dying socket takes before it closes, in ms: mid-way through the first utterance. */
const CLOSE_AFTER_AUDIO_MS = 700;

export async function runSTT(options: STTBenchOptions): Promise<STTResult> {
  return {
    trials: options.trials,
    latency: await runLatency(options),
    recovery: {
      trials: options.recoveryTrials,
      deadlineMs: options.recoveryDeadlineMs,
      closeAfterAudioMs: CLOSE_AFTER_AUDIO_MS,
      rows: await runRecovery(options),
    },
  };
}

/**
 * End of speech → final transcript, interleaved. Each utterance gets its own stream (connected before the timed
 * window: audio is pushed once the socket is open); speech frames go in 20× faster than real time, then the silence
 * that ends the utterance all at once, so the figure is the client's path plus the mock's (fixed) endpointing.
 */
async function runLatency(options: STTBenchOptions): Promise<STTLatencyRow[]> {
  const contenders: STTContender[] = [
    rawSTTContender(RAW_STT, options.healthy),
    await stackSTTContender('stack.stt (1 option)', [deepgramEntry(options.healthy)]),
    await stackSTTContender('stack.stt (2-option chain)', [deepgramEntry(options.healthy), deepgramEntry(options.healthy, 'nova-2')]),
    sttFallbackAdapterContender('stt.FallbackAdapter (2)', [rawSTT(options.healthy), rawSTT(options.healthy, 'nova-2')]),
  ];
  const { frames, endOfSpeech } = utteranceFrames();
  const warmup = 3;
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  const cpu = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  const errors = new Map<string, number>(contenders.map((contender) => [contender.name, 0]));
  try {
    for (let round = 0; round < warmup + options.trials; round++) {
      for (const contender of shuffle([...contenders])) {
        const before = process.cpuUsage();
        const ms = await timeFinal(contender, frames, endOfSpeech);
        const used = process.cpuUsage(before);
        if (round < warmup) continue;
        if (Number.isNaN(ms)) errors.set(contender.name, errors.get(contender.name)! + 1);
        else samples.get(contender.name)!.push(ms);
        cpu.get(contender.name)!.push(used.user + used.system);
      }
    }
  } finally {
    await Promise.all(contenders.map((contender) => contender.close()));
  }
  const rows = contenders.map((contender) => ({
    contender: contender.name,
    finalAfterSpeech: summarize(samples.get(contender.name)!),
    errors: errors.get(contender.name)!,
    cpuUs: summarize(cpu.get(contender.name)!).median,
  }));
  const raw = rows[0]!;
  return rows.map((row) => ({
    ...row,
    medianRatio: ratio(row.finalAfterSpeech.median, raw.finalAfterSpeech.median),
    medianAddedMs: round(row.finalAfterSpeech.median - raw.finalAfterSpeech.median),
  }));
}

/** One utterance on a fresh stream: ms from the end of speech to the final transcript, NaN if none came within 10 s. */
async function timeFinal(contender: STTContender, frames: AudioFrame[], endOfSpeech: number): Promise<number> {
  const stream = contender.stt.stream({ connOptions: contender.connOptions });
  const finals = watchFinals(stream, performance.now());
  try {
    for (const [index, frame] of frames.entries()) {
      if (index === endOfSpeech) {
        const end = performance.now();
        for (const silence of frames.slice(index)) stream.pushFrame(silence);
        const heard = await Promise.race([finals.next().then(() => finals.at.length > 0), sleep(10_000).then(() => false)]);
        return heard ? performance.now() - end : Number.NaN;
      }
      stream.pushFrame(frame);
      await sleep(1);
    }
    return Number.NaN;
  } finally {
    stream.endInput();
    stream.close();
  }
}

/**
 * The STT socket dies mid-call (the mock closes it with 1011 after `CLOSE_AFTER_AUDIO_MS` of audio; Deepgram's plugin
 * 1.9 swallows that close) while the user keeps speaking in real time: time from the death to the next final
 * transcript. Every trial of every contender runs at once; each gets one dying connection.
 */
async function runRecovery(options: STTBenchOptions): Promise<STTRecoveryRow[]> {
  const { dying, recoveryTrials: trials } = options;
  const builders: [string, () => Promise<STTContender>][] = [
    [RAW_STT, async () => rawSTTContender(RAW_STT, dying)],
    ['stack.stt (1 option)', () => stackSTTContender('stack.stt (1 option)', [deepgramEntry(dying)])],
    [
      'stack.stt (1 option), stallTimeoutMs 1500',
      () => stackSTTContender('stack.stt (1 option), stallTimeoutMs 1500', [deepgramEntry(dying)], { stallTimeoutMs: 1_500 }),
    ],
    [
      'stack.stt (2-option chain)',
      () => stackSTTContender('stack.stt (2-option chain)', [deepgramEntry(dying), deepgramEntry(dying, 'nova-2')]),
    ],
    [
      'stt.FallbackAdapter (2)',
      async () => sttFallbackAdapterContender('stt.FallbackAdapter (2)', [rawSTT(dying), rawSTT(dying, 'nova-2')]),
    ],
  ];
  const contenders = await Promise.all(builders.flatMap(([, build]) => Array.from({ length: trials }, () => build())));
  const before = await options.kill(contenders.length, CLOSE_AFTER_AUDIO_MS);
  const streams = contenders.map((contender) => contender.stt.stream({ connOptions: contender.connOptions }));
  try {
    // Every stream connects before any audio: each one's first connection is one of the dying ones.
    for (let waited = 0; (await options.connections()) - before < streams.length && waited < 10_000; waited += 20) await sleep(20);
    const results = await Promise.all(streams.map((stream) => speakUntilHeard(stream, CLOSE_AFTER_AUDIO_MS, options.recoveryDeadlineMs)));
    return builders.map(([name], index) => {
      const mine = results.slice(index * trials, (index + 1) * trials);
      const recovered = mine.filter((ms) => !Number.isNaN(ms));
      return {
        contender: name,
        trials,
        recovered: recovered.length,
        recovery: summarize(recovered),
        ...(recovered.length < trials && {
          note: `${trials - recovered.length} of ${trials} heard nothing more within ${Math.round(options.recoveryDeadlineMs / 1000)} s`,
        }),
      };
    });
  } finally {
    for (const stream of streams) stream.close();
    await Promise.all(contenders.map((contender) => contender.close()));
  }
}

/** Speaks utterances in real time until a final transcript comes after the death, or the deadline. */
async function speakUntilHeard(
  stream: ReturnType<STTContender['stt']['stream']>,
  deathAfterAudioMs: number,
  deadlineMs: number,
): Promise<number> {
  const start = performance.now();
  const finals = watchFinals(stream, start);
  const { frames } = utteranceFrames(1_200, 800);
  let pushedMs = 0;
  let death = Number.NaN;
  for (let index = 0; performance.now() - start < deadlineMs; index++) {
    const frame = frames[index % frames.length]!;
    // Real time: each frame at its own slot of the schedule, whatever the timers' drift.
    const due = start + pushedMs;
    if (due > performance.now()) await sleep(due - performance.now());
    try {
      stream.pushFrame(frame);
    } catch {
      return Number.NaN;
    }
    pushedMs += (frame.samplesPerChannel / frame.sampleRate) * 1000;
    if (Number.isNaN(death) && pushedMs >= deathAfterAudioMs) death = performance.now() - start;
    const heard = finals.at.find((at) => at > death);
    if (heard !== undefined) return heard - death;
  }
  return Number.NaN;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

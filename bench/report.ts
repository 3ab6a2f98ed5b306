import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { renderChart, type ChartPanel } from './chart.js';
import { ratio } from './stats.js';
import type { CostResult } from './cost.js';
import type { FailoverRow } from './failover.js';
import type { OverheadResult } from './overhead.js';
import type { ScaleResult } from './scale.js';
import type { AudioCorrectnessRow } from './audio-correctness.js';
import type { STTResult } from './stt.js';
import type { TTSFailoverRow } from './tts-failover.js';
import type { TTSOverheadResult } from './tts-overhead.js';
import type { TTSScaleResult } from './tts-scale.js';
import type { StoreResult } from './store.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
}

export interface Target {
  target: string;
  figure: string;
  met: boolean | null;
}

export interface BenchResults {
  machine: Machine;
  /** The knobs of this run (env overrides applied). */
  settings: Record<string, number | string>;
  /** What `stack.llm` was when this ran (LiveKit's FallbackAdapter, or our chain). */
  stackLLM: string;
  overhead?: OverheadResult;
  failover?: { hedging: string; rows: FailoverRow[] };
  scale?: ScaleResult;
  cost?: CostResult;
  tts?: TTSOverheadResult;
  ttsFailover?: TTSFailoverRow[];
  stt?: STTResult;
  audio?: AudioCorrectnessRow[];
  ttsScale?: TTSScaleResult[];
  store?: StoreResult;
  targets: Target[];
  /** Process warnings raised while a phase ran (e.g. MaxListenersExceededWarning), counted per message. */
  warnings: { phase: string; warning: string; count: number }[];
  durationS: number;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

const ms = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(2));
const x = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(3)}×`;
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

/** The targets of issues 7 and 15, judged on the figures. */
export function judgeTargets(results: Omit<BenchResults, 'targets' | 'durationS'>): Target[] {
  const targets: Target[] = [];
  for (const row of results.overhead?.rows.filter((row) => row.contender.startsWith('stack')) ?? []) {
    targets.push({
      target: `${row.contender}: median within 2 % of the raw plugin (TTFT and total)`,
      figure: `TTFT ${x(row.ttftMedianRatio)}, total ${x(row.totalMedianRatio)}`,
      met: row.ttftMedianRatio <= 1.02 && row.totalMedianRatio <= 1.02,
    });
    targets.push({
      target: `${row.contender}: p99 TTFT added < 2 ms`,
      figure: `${ms(row.ttftP99AddedMs)} ms`,
      met: row.ttftP99AddedMs < 2,
    });
  }
  for (const row of results.failover?.rows.filter((row) => row.contender.startsWith('stack')) ?? []) {
    const bounded = row.case.startsWith('hang');
    targets.push({
      target: `failover, ${row.case}, ${row.contender}: within 10 % of a direct call to the fallback`,
      figure: row.ratioToDirect === null ? 'n/a (not implemented yet)' : `${x(row.ratioToDirect)} (+${ms(row.addedMs)} ms)`,
      // A hung primary is only detected by a timeout (or a hedge delay): no chain can meet 10 % there.
      met: row.ratioToDirect === null || bounded ? null : row.ratioToDirect <= 1.1,
    });
  }
  const stackAtScale = results.scale?.rows.find((row) => row.contender.startsWith('stack'));
  if (stackAtScale) {
    targets.push({
      target: `no errors at ${results.scale!.concurrency} concurrent turns`,
      figure: `${stackAtScale.errors} errors in ${stackAtScale.turns} turns`,
      met: stackAtScale.errors === 0,
    });
  }
  // CPU per LLM turn within 5 % of the raw plugin (issue 15), sequential and concurrent.
  const rawCpu = results.overhead?.rows[0]?.cpuUs;
  for (const row of results.overhead?.rows.filter((row) => row.contender.startsWith('stack')) ?? []) {
    const cpuRatio = ratio(row.cpuUs, rawCpu!);
    targets.push({
      target: `${row.contender}: CPU per sequential turn within 5 % of the raw plugin`,
      figure: `${row.cpuUs} µs vs ${rawCpu} µs (${x(cpuRatio)})`,
      met: cpuRatio <= 1.05,
    });
  }
  if (stackAtScale) {
    const raw = results.scale!.rows[0]!;
    const cpuRatio = ratio(stackAtScale.cpuPerTurnUs, raw.cpuPerTurnUs);
    targets.push({
      target: `${stackAtScale.contender}: CPU per turn at ${results.scale!.concurrency} concurrent turns within 5 % of the raw plugin`,
      figure: `${stackAtScale.cpuPerTurnUs} µs vs ${raw.cpuPerTurnUs} µs (${x(cpuRatio)})`,
      met: cpuRatio <= 1.05,
    });
  }
  for (const row of results.tts?.rows.filter((row) => row.contender.startsWith('stack')) ?? []) {
    targets.push({
      target: `TTS ${row.format}, ${row.contender}: median time to first audio within 2 % of the raw plugin`,
      figure: `${x(row.ttfaMedianRatio)} (total ${x(row.totalMedianRatio)}, CPU ${x(row.cpuRatio)})`,
      met: row.ttfaMedianRatio <= 1.02,
    });
  }
  for (const row of results.ttsFailover?.filter((row) => row.contender.startsWith('stack')) ?? []) {
    targets.push({
      target: `TTS failover, ${row.format}, ${row.case}, ${row.contender}: within 10 % of a direct call to the fallback`,
      figure: `${x(row.ratioToDirect)} (+${ms(row.addedMs)} ms)`,
      // A hung primary is only detected by a timeout: no chain can meet 10 % there.
      met: row.case.startsWith('hang') ? null : row.ratioToDirect !== null && row.ratioToDirect <= 1.1,
    });
  }
  for (const row of results.stt?.recovery.rows.filter((row) => row.contender.startsWith('stack')) ?? []) {
    targets.push({
      target: `STT socket dies mid-call, ${row.contender}: heard again within ${Math.round(results.stt!.recovery.deadlineMs / 1000)} s`,
      figure: `${row.recovered} of ${row.trials}, median ${ms(row.recovery.median)} ms`,
      met: row.recovered === row.trials,
    });
  }
  for (const row of results.audio?.filter((row) => row.contender.startsWith('stack')) ?? []) {
    targets.push({
      target: `audio after a switch, ${row.chain}: no sample lost or repeated, every frame at ${row.expectedRate} Hz`,
      figure: `${row.missingSamples} missing, ${row.extraSamples} extra${row.exactPCM === null ? '' : `, ${row.exactPCM}/${row.utterances} PCM-exact`}, rates ${row.rates.join('/')}`,
      met:
        row.errors === 0 &&
        row.missingSamples === 0 &&
        row.extraSamples === 0 &&
        row.rates.length === 1 &&
        row.rates[0] === row.expectedRate,
    });
  }
  for (const scale of results.ttsScale ?? []) {
    const row = scale.rows.find((candidate) => candidate.contender.startsWith('stack'));
    if (!row) continue;
    targets.push({
      target: `no errors at ${scale.concurrency} concurrent TTS streams (${scale.format})`,
      figure: `${row.errors} errors in ${row.streams} streams (CPU per stream ${x(row.cpuRatio)} of raw)`,
      met: row.errors === 0,
    });
  }
  // Fleet state (issue 10): the shared stores keep the healthy path within 1 % of the raw plugin; one backend round per
  // organisation per TTL however many calls start at once.
  for (const row of results.store?.healthy.filter((row) => row.contender.startsWith('stack')) ?? []) {
    targets.push({
      target: `${row.contender}: median TTFT within 1 % of the raw plugin`,
      figure: `${x(row.ttftMedianRatio)} (+${ms(row.ttftMedianAddedMs)} ms)`,
      met: row.ttftMedianRatio <= 1.01,
    });
  }
  // Fleet metrics (issue 24): recording a turn, done after it ended, would keep TTFT within 1 % even on its path.
  for (const row of results.store?.recording ?? []) {
    targets.push({
      target: `fleet metrics recording, ${row.store} store: cost per turn within 1 % of the raw plugin's TTFT`,
      figure: `${row.perTurnUs} µs per turn (${x(row.ttftRatioBound)}), flush ${ms(row.flushMs)} ms`,
      met: row.ttftRatioBound <= 1.01,
    });
  }
  for (const row of results.store?.stampede ?? []) {
    targets.push({
      target: `${row.calls} concurrent resolve() over ${results.store!.processes} processes, ${row.case} entries, ${row.store} store: one backend round per organisation`,
      figure: `${row.roundsPerOrgMax} at most (mean ${row.roundsPerOrgMean}), ${row.errors} errors`,
      met: row.roundsPerOrgMax <= 1 && row.errors === 0,
    });
  }
  return targets;
}

/** The markdown block shared by the console and docs/benchmarks.md. */
export function markdown(results: BenchResults): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`Ran ${m.date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}), in ${results.durationS} s.`);
  out.push(`\`stack.llm\` was: ${results.stackLLM}.`);
  out.push(
    '',
    '### Targets',
    '',
    table(
      ['target', 'figure', 'met'],
      results.targets.map((t) => [t.target, t.figure, t.met === null ? 'n/a' : t.met ? 'yes' : '**no**']),
    ),
  );
  if (results.overhead) {
    const o = results.overhead;
    out.push('', `### 1. Overhead on a healthy turn (${o.turns} turns each, ${o.warmup} warm-up, interleaved)`, '');
    out.push(
      table(
        [
          'contender',
          'TTFT median',
          'TTFT p99',
          'total median',
          'total p99',
          'TTFT ratio',
          'total ratio',
          'TTFT p99 added',
          'CPU per turn',
          'errors',
        ],
        o.rows.map((r) => [
          r.contender,
          ms(r.ttft.median),
          ms(r.ttft.p99),
          ms(r.total.median),
          ms(r.total.p99),
          x(r.ttftMedianRatio),
          x(r.totalMedianRatio),
          `${ms(r.ttftP99AddedMs)} ms`,
          `${r.cpuUs} µs`,
          r.errors,
        ]),
      ),
    );
  }
  if (results.failover) {
    out.push('', "### 2. Failover: time to the fallback's first token (ms)", '', `Hedging: ${results.failover.hedging}.`, '');
    out.push(
      table(
        ['case', 'contender', 'n', 'TTFT median', 'TTFT p99', 'vs direct', 'added', 'errors', 'note'],
        results.failover.rows.map((r) => [
          r.case,
          r.contender,
          r.ttft.n,
          ms(r.ttft.median),
          ms(r.ttft.p99),
          x(r.ratioToDirect),
          r.addedMs === null ? 'n/a' : `${ms(r.addedMs)} ms`,
          r.errors,
          r.note ?? '',
        ]),
      ),
    );
  }
  if (results.scale) {
    const s = results.scale;
    out.push('', `### 3. Scale: ${s.concurrency} concurrent turns through one instance (${s.rounds} rounds each, interleaved)`, '');
    out.push(
      table(
        [
          'contender',
          'turns',
          'errors',
          'held',
          'TTFT p50',
          'TTFT p99',
          'p50 added',
          'p99 added',
          'CPU per turn',
          'batch wall time',
          'event-loop delay p50 / p99 / max',
        ],
        s.rows.map((r) => [
          r.contender,
          r.turns,
          r.errors,
          r.heldTurns,
          ms(r.ttft.median),
          ms(r.ttft.p99),
          `${ms(r.ttftP50AddedMs)} ms`,
          `${ms(r.ttftP99AddedMs)} ms`,
          `${r.cpuPerTurnUs} µs`,
          `${ms(r.batchMs)} ms`,
          `${ms(r.eventLoopDelay.p50)} / ${ms(r.eventLoopDelay.p99)} / ${ms(r.eventLoopDelay.max)} ms`,
        ]),
      ),
    );
    out.push(
      '',
      table(
        ['memory (heap after GC, N kept alive)', 'N', 'KiB per instance'],
        s.memory.map((r) => [r.what, r.instances, r.heapPerInstanceKiB.toFixed(1)]),
      ),
    );
  }
  if (results.cost) {
    const c = results.cost;
    out.push('', `### 4. Cost of use (fresh child processes, median of ${c.processes}; library = ${c.source})`, '');
    out.push(
      table(
        ['measure', 'value'],
        [
          ['import the library', `${ms(c.importLibrary.ms)} ms, heap +${c.importLibrary.heapMiB} MiB, RSS +${c.importLibrary.rssMiB} MiB`],
          [
            'import @livekit/agents alone',
            `${ms(c.importLiveKitAgents.ms)} ms, heap +${c.importLiveKitAgents.heapMiB} MiB, RSS +${c.importLiveKitAgents.rssMiB} MiB`,
          ],
          ['difference (separate processes)', `${ms(c.libraryAddsMs)} ms, heap ${c.libraryAddsHeapMiB} MiB`],
          [
            'import the library after @livekit/agents (same process): its own cost',
            `${ms(c.importLibraryAfterAgents.ms)} ms, heap +${c.importLibraryAfterAgents.heapMiB} MiB, RSS +${c.importLibraryAfterAgents.rssMiB} MiB`,
          ],
          ['first createVoiceStack (lazy OpenAI plugin import)', `${ms(c.createFirstMs)} ms`],
          ['createVoiceStack, warm (2-option LLM chain)', `${ms(c.createWarmMs)} ms`],
          ...Object.entries(c.pluginsLoaded).map(([name, loaded]) => [`LLM-only stack loaded ${name}`, loaded ? 'yes' : 'no']),
        ],
      ),
    );
  }
  out.push(...speechMarkdown(results), ...storeMarkdown(results));
  if (results.warnings.length) {
    out.push(
      '',
      '### Warnings raised during the run',
      '',
      table(
        ['phase', 'warning', 'count'],
        results.warnings.map((w) => [w.phase, w.warning, w.count]),
      ),
    );
  }
  return out.join('\n');
}

/** The tables of the speech phases (5 to 9). */
function speechMarkdown(results: BenchResults): string[] {
  const out: string[] = [];
  if (results.tts) {
    const t = results.tts;
    out.push('', `### 5. TTS: time to first audio on a healthy utterance (${t.utterances} each, ${t.warmup} warm-up, interleaved)`, '');
    out.push(
      table(
        [
          'format',
          'contender',
          'TTFA median',
          'TTFA p99',
          'total median',
          'total p99',
          'TTFA ratio',
          'total ratio',
          'TTFA p99 added',
          'CPU per utterance',
          'errors',
        ],
        t.rows.map((r) => [
          r.format,
          r.contender,
          ms(r.ttfa.median),
          ms(r.ttfa.p99),
          ms(r.total.median),
          ms(r.total.p99),
          x(r.ttfaMedianRatio),
          x(r.totalMedianRatio),
          `${ms(r.ttfaP99AddedMs)} ms`,
          `${r.cpuUs} µs (${x(r.cpuRatio)})`,
          r.errors,
        ]),
      ),
    );
  }
  if (results.ttsFailover) {
    out.push('', "### 6. TTS failover: time to the fallback's first audio (ms)", '');
    out.push(
      table(
        ['format', 'case', 'contender', 'n', 'median', 'p99', 'vs direct', 'added', 'errors', 'note'],
        results.ttsFailover.map((r) => [
          r.format,
          r.case,
          r.contender,
          r.ttfa.n,
          ms(r.ttfa.median),
          ms(r.ttfa.p99),
          x(r.ratioToDirect),
          r.addedMs === null ? 'n/a' : `${ms(r.addedMs)} ms`,
          r.errors,
          r.note ?? '',
        ]),
      ),
    );
  }
  if (results.stt) {
    const s = results.stt;
    out.push('', `### 7. STT: end of speech to final transcript (${s.trials} utterances each, interleaved)`, '');
    out.push(
      table(
        ['contender', 'median', 'p99', 'ratio', 'added', 'CPU per utterance', 'errors'],
        s.latency.map((r) => [
          r.contender,
          ms(r.finalAfterSpeech.median),
          ms(r.finalAfterSpeech.p99),
          x(r.medianRatio),
          `${ms(r.medianAddedMs)} ms`,
          `${r.cpuUs} µs`,
          r.errors,
        ]),
      ),
    );
    const r = s.recovery;
    out.push(
      '',
      `The STT socket dies mid-call (closed by the endpoint after ${r.closeAfterAudioMs} ms of audio; ${r.trials} calls per contender at once, speaking in real time): time from the death to the next final transcript.`,
      '',
      table(
        ['contender', 'recovered', 'median', 'p99', 'max', 'note'],
        r.rows.map((row) => [
          row.contender,
          `${row.recovered}/${row.trials}`,
          ms(row.recovery.median),
          ms(row.recovery.p99),
          ms(row.recovery.max),
          row.note ?? '',
        ]),
      ),
    );
  }
  if (results.audio) {
    out.push('', '### 8. Audio after a switch (the primary refuses with 429, the fallback speaks; fresh instances per utterance)', '');
    out.push(
      table(
        [
          'chain',
          'contender',
          'utterances',
          'expected rate',
          'frame rates',
          'samples sent',
          'received min / max',
          'missing',
          'extra',
          'PCM-exact',
          'errors',
        ],
        results.audio.map((r) => [
          r.chain,
          r.contender,
          r.utterances,
          r.expectedRate,
          r.rates.join(', '),
          r.expectedSamples,
          `${r.receivedMin} / ${r.receivedMax}`,
          r.missingSamples,
          r.extraSamples,
          r.exactPCM === null ? 'n/a (resampled)' : `${r.exactPCM}/${r.utterances}`,
          r.errors,
        ]),
      ),
    );
  }
  for (const t of results.ttsScale ?? []) {
    out.push(
      '',
      `### 9. Scale: ${t.concurrency} concurrent TTS streams through one instance (${t.format}, ${t.rounds} rounds each, interleaved)`,
      '',
    );
    out.push(
      table(
        [
          'contender',
          'streams',
          'errors',
          'TTFA p50',
          'TTFA p99',
          'total p50',
          'CPU per stream',
          'batch wall time',
          'event-loop delay p50 / p99 / max',
        ],
        t.rows.map((r) => [
          r.contender,
          r.streams,
          r.errors,
          ms(r.ttfa.median),
          ms(r.ttfa.p99),
          ms(r.total.median),
          `${r.cpuPerStreamUs} µs (${x(r.cpuRatio)})`,
          `${ms(r.batchMs)} ms`,
          `${ms(r.eventLoopDelay.p50)} / ${ms(r.eventLoopDelay.p99)} / ${ms(r.eventLoopDelay.max)} ms`,
        ]),
      ),
    );
  }
  return out;
}

/** The tables of the store phase (fleet state). */
function storeMarkdown(results: BenchResults): string[] {
  const s = results.store;
  if (!s) return [];
  const out = ['', `### 10. Fleet state: the store on a healthy turn (${s.turns} turns each, ${s.warmup} warm-up, interleaved)`, ''];
  if (s.note) out.push(`${s.note}.`, '');
  out.push(
    table(
      ['contender', 'TTFT median', 'TTFT p99', 'TTFT ratio', 'median added', 'p99 added', 'CPU per turn', 'errors'],
      s.healthy.map((r) => [
        r.contender,
        ms(r.ttft.median),
        ms(r.ttft.p99),
        x(r.ttftMedianRatio),
        `${ms(r.ttftMedianAddedMs)} ms`,
        `${ms(r.ttftP99AddedMs)} ms`,
        `${r.cpuUs} µs`,
        r.errors,
      ]),
    ),
    '',
    'Fleet metrics: recording a finished turn (CPU per turn) and one flush of the counters to the store:',
    '',
    table(
      ['store', 'turns', 'CPU per turn', 'flush', 'TTFT ratio if on the path'],
      (s.recording ?? []).map((r) => [r.store, r.turns, `${r.perTurnUs} µs`, `${ms(r.flushMs)} ms`, x(r.ttftRatioBound)]),
    ),
    '',
    'A cooldown written in one process, read by another (half the round trip of a ping and its echo through the store, in ms):',
    '',
    table(
      ['store', 'n', 'p50', 'p99', 'max'],
      s.propagation.map((r) => [r.store, r.oneWay.n, ms(r.oneWay.median), ms(r.oneWay.p99), ms(r.oneWay.max)]),
    ),
    '',
    `A stampede: concurrent resolve() calls over ${s.processes} processes and ${s.orgs} organisations, against a backend that answers in 50 ms; backend rounds (one request per modality) per organisation:`,
    '',
    table(
      ['store', 'entries', 'calls', 'rounds per org (max / mean)', 'resolve p50', 'resolve p99', 'errors'],
      s.stampede.map((r) => [
        r.store,
        r.case,
        r.calls,
        `${r.roundsPerOrgMax} / ${r.roundsPerOrgMean}`,
        `${ms(r.resolve.median)} ms`,
        `${ms(r.resolve.p99)} ms`,
        r.errors,
      ]),
    ),
  );
  return out;
}

/** Chart panels from whatever phases ran. */
export function chart(results: BenchResults): string {
  const panels: ChartPanel[] = [];
  if (results.overhead) {
    panels.push({
      title: 'Healthy turn: time to first token',
      rows: results.overhead.rows.map((r) => ({ label: r.contender, values: [r.ttft.median, r.ttft.p99] })),
    });
  }
  for (const name of ['429 (first failure)', '429 (during outage)', 'hang (first failure)'] as const) {
    const rows = results.failover?.rows.filter((r) => r.case === name) ?? [];
    if (rows.length) {
      panels.push({
        title: `Failover, primary ${name}: time to the fallback's first token`,
        rows: rows.map((r) => ({
          label: r.contender,
          values: r.note?.startsWith('n/a') || r.ttft.n === 0 ? [null, null] : [r.ttft.median, r.ttft.p99],
        })),
      });
    }
  }
  if (results.scale) {
    panels.push({
      title: `${results.scale.concurrency} concurrent turns: time to first token`,
      rows: results.scale.rows.map((r) => ({ label: r.contender, values: [r.ttft.median, r.ttft.p99] })),
    });
  }
  for (const format of ['cartesia', 'openai'] as const) {
    const rows = results.tts?.rows.filter((r) => r.format === format) ?? [];
    if (rows.length) {
      panels.push({
        title: `TTS (${format}), healthy utterance: time to first audio`,
        rows: rows.map((r) => ({ label: r.contender, values: [r.ttfa.median, r.ttfa.p99] })),
      });
    }
    const failover = results.ttsFailover?.filter((r) => r.format === format && r.case === '429 (first failure)') ?? [];
    if (failover.length) {
      panels.push({
        title: `TTS (${format}) failover, primary 429: time to the fallback's first audio`,
        rows: failover.map((r) => ({ label: r.contender, values: [r.ttfa.median, r.ttfa.p99] })),
      });
    }
  }
  if (results.stt) {
    panels.push({
      title: 'STT: end of speech to final transcript',
      rows: results.stt.latency.map((r) => ({ label: r.contender, values: [r.finalAfterSpeech.median, r.finalAfterSpeech.p99] })),
    });
  }
  const m = results.machine;
  return renderChart({
    title: 'livekit-voice-stack: npm run bench',
    subtitle: `${m.date.slice(0, 10)} · ${m.cpu}, ${m.cores} cores · Node ${m.node} · local endpoints (OpenAI-format SSE and speech, Cartesia, Deepgram)`,
    series: ['median', 'p99'],
    panels,
  });
}

const START = '<!-- bench:results:start (generated by `npm run bench`; do not edit by hand) -->';
const END = '<!-- bench:results:end -->';

/** Writes results.json, the SVG, and the generated block of docs/benchmarks.md (the rest of the page is kept). */
export function writeReport(results: BenchResults, paths: { json: string; svg: string; doc: string; intro: string }): void {
  writeFileSync(paths.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(paths.svg, chart(results));
  const block = `${START}\n\n![benchmark chart](./benchmarks.svg)\n\n${markdown(results)}\n\n${END}`;
  const page = existsSync(paths.doc) ? readFileSync(paths.doc, 'utf8') : '';
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  const next = start >= 0 && end > start ? `${page.slice(0, start)}${block}${page.slice(end + END.length)}` : `${paths.intro}\n${block}\n`;
  writeFileSync(paths.doc, next);
}

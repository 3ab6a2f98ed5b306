import { initializeLogger } from '@livekit/agents';

// Before anything builds a LiveKit instance: LiveKit's constructors need its logger, and logging must not be timed.
initializeLogger({ pretty: false, level: 'silent' });

const { fileURLToPath } = await import('node:url');
const { isLiveKitFallbackAdapter, stackContender } = await import('./contenders.js');
const { runCost } = await import('./cost.js');
const { runFailover } = await import('./failover.js');
const { runOverhead } = await import('./overhead.js');
const { judgeTargets, machine, markdown, writeReport } = await import('./report.js');
type BenchResults = import('./report.js').BenchResults;
const { runScale } = await import('./scale.js');
const { startServerThread } = await import('./server-thread.js');
const { runTTSOverhead } = await import('./tts-overhead.js');
const { runTTSFailover } = await import('./tts-failover.js');
const { runSTT } = await import('./stt.js');
const { runAudioCorrectness } = await import('./audio-correctness.js');
const { runTTSScale } = await import('./tts-scale.js');
const { runStore } = await import('./store.js');

/** Every knob, overridable by env for longer runs (e.g. BENCH_TURNS=2000). */
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  ttftMs: env('BENCH_TTFT_MS', 15),
  gapMs: env('BENCH_GAP_MS', 1),
  words: env('BENCH_WORDS', 12),
  turns: env('BENCH_TURNS', 500),
  warmup: env('BENCH_WARMUP', 30),
  failoverTrials: env('BENCH_FAILOVER_TRIALS', 40),
  hangTrials: env('BENCH_HANG_TRIALS', 6),
  hedgeAfterMs: env('BENCH_HEDGE_MS', 100),
  concurrency: env('BENCH_CONCURRENCY', 1000),
  scaleRounds: env('BENCH_SCALE_ROUNDS', 9),
  memoryInstances: env('BENCH_MEMORY_INSTANCES', 1000),
  processes: env('BENCH_PROCESSES', 5),
  ttsTtfbMs: env('BENCH_TTS_TTFB_MS', 15),
  ttsAudioMs: env('BENCH_TTS_AUDIO_MS', 500),
  ttsUtterances: env('BENCH_TTS_UTTERANCES', 150),
  ttsWarmup: env('BENCH_TTS_WARMUP', 20),
  ttsFailoverTrials: env('BENCH_TTS_FAILOVER_TRIALS', 15),
  ttsHangTrials: env('BENCH_TTS_HANG_TRIALS', 4),
  sttTrials: env('BENCH_STT_TRIALS', 40),
  sttRecoveryTrials: env('BENCH_STT_RECOVERY_TRIALS', 4),
  sttRecoveryDeadlineMs: env('BENCH_STT_RECOVERY_DEADLINE_MS', 20_000),
  audioUtterances: env('BENCH_AUDIO_UTTERANCES', 5),
  ttsConcurrency: env('BENCH_TTS_CONCURRENCY', 200),
  ttsScaleRounds: env('BENCH_TTS_SCALE_ROUNDS', 3),
  storeTurns: env('BENCH_STORE_TURNS', 300),
  storePropagation: env('BENCH_STORE_PROPAGATION', 200),
  stampedeProcesses: env('BENCH_STAMPEDE_PROCESSES', 4),
  stampedeCalls: env('BENCH_STAMPEDE_CALLS', 1000),
  stampedeOrgs: env('BENCH_STAMPEDE_ORGS', 10),
};
/** BENCH_ONLY=overhead,tts runs some phases and writes nothing (for profiling). */
const only = process.env.BENCH_ONLY?.split(',').map((phase) => phase.trim());
const runs = (phase: string) => !only || only.includes(phase);

const started = performance.now();
const warnings = new Map<string, { phase: string; warning: string; count: number }>();
let phase = 'setup';
process.on('warning', (warning) => {
  const key = `${phase}\0${warning.name}: ${warning.message}`;
  const seen = warnings.get(key) ?? { phase, warning: `${warning.name}: ${warning.message}`, count: 0 };
  seen.count++;
  warnings.set(key, seen);
});
// LiveKit's one-shot TTS streams reject into the void when they fail (agents 1.9 `tts.ts`): the raw plugin and
// tts.FallbackAdapter over OpenAI's TTS do, in the failover phases. Counted and reported, not fatal.
const unhandled = new Map<string, { phase: string; warning: string; count: number }>();
process.on('unhandledRejection', (reason) => {
  // One row per kind: the first line, without the details that differ (timestamps, addresses).
  const message = (reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)).split('\n')[0]!.slice(0, 100);
  const key = `${phase}\0${message}`;
  const seen = unhandled.get(key) ?? { phase, warning: `unhandled rejection: ${message}`, count: 0 };
  seen.count++;
  unhandled.set(key, seen);
});
const log = (message: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${message}`);

const server = await startServerThread({
  ttftMs: settings.ttftMs,
  gapMs: settings.gapMs,
  words: settings.words,
  models: {
    'rate-limited': { kind: 'rate-limit', retryAfterS: 1 },
    // Longer than the phase: the stack's cooldown (if any) lasts while the timed turns run.
    'rate-limited-long': { kind: 'rate-limit', retryAfterS: 600 },
    hanging: { kind: 'hang' },
  },
  speechTtfbMs: settings.ttsTtfbMs,
  speechAudioMs: settings.ttsAudioMs,
  speech: { ttfbMs: settings.ttsTtfbMs, audioMs: settings.ttsAudioMs },
});
const results: Omit<BenchResults, 'targets' | 'durationS'> = { machine: machine(), settings, stackLLM: '', warnings: [] };
try {
  const probe = await stackContender('probe', server.baseURL, ['healthy', 'healthy-b']);
  results.stackLLM = isLiveKitFallbackAdapter(probe.llm)
    ? "LiveKit's llm.FallbackAdapter (composeLLM not replaced yet)"
    : `our chain (${probe.llm.constructor.name})`;
  await probe.close();
  log(`endpoint ${server.baseURL}; stack.llm for a chain: ${results.stackLLM}`);

  if (runs('overhead')) {
    phase = 'overhead';
    log(`1/9 overhead: ${settings.turns} turns × 4 contenders`);
    results.overhead = await runOverhead(server.baseURL, settings.turns, settings.warmup);
  }
  if (runs('failover')) {
    phase = 'failover';
    log(`2/9 failover: ${settings.failoverTrials} trials (429), ${settings.hangTrials} concurrent (hang)`);
    results.failover = await runFailover({
      baseURL: server.baseURL,
      trials: settings.failoverTrials,
      hangTrials: settings.hangTrials,
      hedgeAfterMs: settings.hedgeAfterMs,
    });
  }
  if (runs('scale')) {
    phase = 'scale';
    log(`3/9 scale: ${settings.concurrency} concurrent turns × ${settings.scaleRounds} rounds × 2 contenders`);
    results.scale = await runScale(server.baseURL, settings.concurrency, settings.scaleRounds, settings.memoryInstances);
  }
  if (runs('cost')) {
    phase = 'cost';
    log(`4/9 cost of use: ${settings.processes} fresh processes per import`);
    results.cost = await runCost(settings.processes);
  }
  const speech = server.speech;
  const openaiSpeech = server.baseURL;
  if (runs('tts')) {
    phase = 'tts';
    log(`5/9 TTS overhead: ${settings.ttsUtterances} utterances × 4 contenders × 2 formats`);
    results.tts = await runTTSOverhead({ cartesia: speech.cartesia, openai: openaiSpeech }, settings.ttsUtterances, settings.ttsWarmup);
  }
  if (runs('tts-failover')) {
    phase = 'tts-failover';
    log(`6/9 TTS failover: ${settings.ttsFailoverTrials} trials (429), ${settings.ttsHangTrials} concurrent (hang), × 2 formats`);
    results.ttsFailover = await runTTSFailover({
      trials: settings.ttsFailoverTrials,
      hangTrials: settings.ttsHangTrials,
      endpoints: {
        cartesia: {
          healthy: { baseURL: speech.cartesia, model: 'sonic-3' },
          rateLimited: (trial) => ({ baseURL: speech['cartesia-rate-limited'], model: `sonic-3#${trial}` }),
          hanging: (trial) => ({ baseURL: speech['cartesia-hanging'], model: `sonic-3#${trial}` }),
        },
        openai: {
          healthy: { baseURL: openaiSpeech, model: 'healthy' },
          rateLimited: (trial) => ({ baseURL: openaiSpeech, model: trial === 'outage' ? 'rate-limited-long' : `rate-limited#${trial}` }),
          hanging: (trial) => ({ baseURL: openaiSpeech, model: `hanging#${trial}` }),
        },
      },
    });
  }
  if (runs('stt')) {
    phase = 'stt';
    log(`7/9 STT: ${settings.sttTrials} utterances × 4 contenders; recovery: ${settings.sttRecoveryTrials} concurrent × 5 contenders`);
    results.stt = await runSTT({
      healthy: speech.deepgram,
      dying: speech['deepgram-dying'],
      kill: async (count, afterAudioMs) => {
        const before = await server.speechRequests('deepgram-dying');
        await server.useSpeech('deepgram-dying', [{ closeAfterAudioMs: afterAudioMs, times: count }]);
        return before;
      },
      connections: () => server.speechRequests('deepgram-dying'),
      trials: settings.sttTrials,
      recoveryTrials: settings.sttRecoveryTrials,
      recoveryDeadlineMs: settings.sttRecoveryDeadlineMs,
    });
  }
  if (runs('audio')) {
    phase = 'audio';
    log(`8/9 audio after a switch: ${settings.audioUtterances} utterances per chain and contender`);
    results.audio = await runAudioCorrectness({
      cartesia: speech.cartesia,
      cartesiaRateLimited: speech['cartesia-rate-limited'],
      elevenlabs: speech.elevenlabs,
      openai: openaiSpeech,
      audioMs: settings.ttsAudioMs,
      utterances: settings.audioUtterances,
    });
  }
  if (runs('tts-scale')) {
    phase = 'tts-scale';
    log(`9/9 TTS scale: ${settings.ttsConcurrency} concurrent streams × ${settings.ttsScaleRounds} rounds × 2 contenders × 2 formats`);
    results.ttsScale = [
      await runTTSScale('cartesia', speech.cartesia, settings.ttsConcurrency, settings.ttsScaleRounds),
      await runTTSScale('openai', openaiSpeech, settings.ttsConcurrency, settings.ttsScaleRounds),
    ];
  }
  if (runs('store')) {
    phase = 'store';
    log(
      `store: ${settings.storeTurns} turns × 4 contenders; ${settings.storePropagation} cooldowns to another process; ${settings.stampedeCalls} resolve() over ${settings.stampedeProcesses} processes, per store`,
    );
    results.store = await runStore({
      baseURL: server.baseURL,
      turns: settings.storeTurns,
      warmup: settings.warmup,
      propagationSamples: settings.storePropagation,
      stampedeProcesses: settings.stampedeProcesses,
      stampedeCalls: settings.stampedeCalls,
      stampedeOrgs: settings.stampedeOrgs,
    });
  }
  log(`requests per model: ${JSON.stringify(await server.requests())}`);
} finally {
  await server.close();
}

results.warnings = [...warnings.values(), ...unhandled.values()];
const final: BenchResults = { ...results, targets: judgeTargets(results), durationS: Math.round((performance.now() - started) / 100) / 10 };
console.log(`\n${markdown(final)}\n`);
if (only) {
  log('BENCH_ONLY set: nothing written');
} else {
  const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  writeReport(final, {
    json: path('./results.json'),
    svg: path('../docs/benchmarks.svg'),
    doc: path('../docs/benchmarks.md'),
    intro: '# Benchmarks\n\nGenerated by `npm run bench` (see `bench/`).\n',
  });
  log('wrote bench/results.json, docs/benchmarks.svg, docs/benchmarks.md');
}
// LiveKit's tts.FallbackAdapter keeps its recovery loop's timers after close() (seen in the TTS failover phase, where
// a closed adapter's probe failures also surface as the unhandled rejections counted above): do not wait for them.
process.exit(0);

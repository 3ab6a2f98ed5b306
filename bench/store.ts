import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'eventemitter3';
import { createMemoryStore, type StateStore, type TurnMetrics } from '../src/index.js';
import { recordFleetMetrics } from '../src/stack/fleet-metrics.js';
import { guardStore } from '../src/state/guard-store.js';
import { type RedisServer, startRedisServer } from '../test/helpers/redis-server.js';
import { type Contender, rawContender, stackContender } from './contenders.js';
import { compareHealthyTurns, type OverheadRow, RAW } from './overhead.js';
import { round, summarize, type Summary } from './stats.js';
import { openStore, PING, PONG, type StoreSpec } from './store-peer.js';

export interface StoreSettings {
  baseURL: string;
  turns: number;
  warmup: number;
  /** Cooldowns written per store for the propagation figure. */
  propagationSamples: number;
  /** Processes, concurrent resolve() calls in all, and organisations of the stampede. */
  stampedeProcesses: number;
  stampedeCalls: number;
  stampedeOrgs: number;
}

export interface PropagationRow {
  store: string;
  /** Half the round trip of a cooldown written here, seen by another process that writes one back, in ms. */
  oneWay: Summary;
}

export interface StampedeRow {
  store: string;
  /** `cold`: no entry anywhere; `expired`: every entry past its TTL (served stale, refreshed in the background). */
  case: 'cold' | 'expired';
  calls: number;
  errors: number;
  /** Backend rounds (one request per modality) per organisation in the round: the most and the mean. */
  roundsPerOrgMax: number;
  roundsPerOrgMean: number;
  /** Time of one resolve() call, in ms. */
  resolve: Summary;
}

/** What recording fleet metrics costs (recordFleetMetrics): done when a turn has ended, never before its first token. */
export interface RecordingRow {
  store: string;
  turns: number;
  /** CPU time of adding one finished turn to the pending counters (and to the no-op OpenTelemetry meter), in µs. */
  perTurnUs: number;
  /** One flush of those turns' counters to the store (two windows: minute and hour), in ms. */
  flushMs: number;
  /** (raw plugin TTFT median + perTurnUs) / raw plugin TTFT median: the bound if recording were on the TTFT path. */
  ttftRatioBound: number;
}

export interface StoreResult {
  turns: number;
  warmup: number;
  processes: number;
  orgs: number;
  /** Healthy-path turns of a 2-option chain over each store, against the raw plugin. */
  healthy: OverheadRow[];
  propagation: PropagationRow[];
  stampede: StampedeRow[];
  recording: RecordingRow[];
  /** Why a store is missing from the figures (no redis-server on this machine). */
  note?: string;
}

const peerScript = fileURLToPath(new URL('./store-peer.ts', import.meta.url));
const MODALITIES_PER_ROUND = 3;

/**
 * Fleet state: what each store costs a healthy turn, how long a cooldown takes to reach another process, and how many
 * backend rounds a stampede of resolve() calls across processes makes per organisation.
 */
export async function runStore(settings: StoreSettings): Promise<StoreResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-bench-store-'));
  let redis: RedisServer | undefined;
  let note: string | undefined;
  try {
    redis = await startRedisServer();
  } catch (error) {
    note = `no Redis figures: ${(error as Error).message}`;
  }
  const specs: StoreSpec[] = [
    { kind: 'machine', dir: join(dir, 'machine') },
    ...(redis ? [{ kind: 'redis' as const, url: redis.url, prefix: 'bench:' }] : []),
  ];
  try {
    const stores: StateStore[] = [createMemoryStore(), ...(await Promise.all(specs.map(openStore)))];
    const contenders: Contender[] = [rawContender(RAW, settings.baseURL, 'healthy')];
    for (const store of stores) {
      contenders.push(await stackContender(`stack.llm, ${store.kind} store`, settings.baseURL, ['healthy', 'healthy-b'], undefined, store));
    }
    const healthy = await compareHealthyTurns(contenders, settings.turns, settings.warmup);
    const rawTtft = healthy.find((row) => row.contender === RAW)?.ttft.median ?? Number.NaN;
    const recording: RecordingRow[] = [];
    for (const store of stores) recording.push(await measureRecording(store, rawTtft));
    const propagation: PropagationRow[] = [];
    for (const [index, spec] of specs.entries()) propagation.push(await measurePropagation(stores[index + 1]!, spec, settings));
    await Promise.all(stores.map((store) => store.close()));
    const stampede: StampedeRow[] = [];
    for (const spec of specs) {
      const fresh: StoreSpec = spec.kind === 'machine' ? { ...spec, dir: join(dir, 'stampede') } : { ...spec, prefix: 'bench-stampede:' };
      stampede.push(...(await measureStampede(fresh, settings)));
    }
    return {
      turns: settings.turns,
      warmup: settings.warmup,
      processes: settings.stampedeProcesses,
      orgs: settings.stampedeOrgs,
      healthy,
      propagation,
      stampede,
      recording,
      ...(note && { note }),
    };
  } finally {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Feeds `turns` finished turns (LLM, TTS and end-to-end figures, two options) to a fleet-metrics recorder over `store`,
 * then flushes them: the recording's CPU per turn, and one flush.
 */
export async function measureRecording(store: StateStore, rawTtftMs: number, turns = 20_000): Promise<RecordingRow> {
  let listener: ((turn: TurnMetrics) => void) | undefined;
  const recorder = recordFleetMetrics({
    store: guardStore(store, { timeoutMs: 10_000 }),
    mode: 'bench',
    events: new EventEmitter(),
    onTurn: (record) => void (listener = record),
    options: { stt: [], llm: [], tts: [] },
    flushIntervalMs: 3_600_000,
  });
  const turn = (index: number): TurnMetrics => ({
    speechId: `s${index}`,
    servedBy: { llm: index % 2 ? 'openai/gpt-4o-mini' : 'openrouter/a', tts: 'cartesia/sonic-turbo' },
    sttDurationMs: undefined,
    endOfUtteranceDelayMs: 300 + (index % 50),
    llmTtftMs: 150 + (index % 200),
    ttsTtfbMs: 90 + (index % 70),
    endToEndMs: 540 + (index % 320),
    fallbacks: 0,
    held: false,
    apologised: index % 50 === 0,
  });
  for (let index = 0; index < 1_000; index++) listener!(turn(index)); // warm-up
  await recorder.flush();
  const cpu = process.cpuUsage();
  for (let index = 0; index < turns; index++) listener!(turn(index));
  const used = process.cpuUsage(cpu);
  const perTurnUs = round((used.user + used.system) / turns, 3);
  const started = performance.now();
  await recorder.flush();
  const flushMs = round(performance.now() - started, 3);
  await recorder.close();
  return { store: store.kind, turns, perTurnUs, flushMs, ttftRatioBound: round((rawTtftMs + perTurnUs / 1000) / rawTtftMs, 4) };
}

/** A cooldown written here, seen by a peer process that writes one back: half the round trip, both ways by the store. */
async function measurePropagation(store: StateStore, spec: StoreSpec, settings: StoreSettings): Promise<PropagationRow> {
  const peer = startPeer(['echo', JSON.stringify(spec)]);
  await peer.line();
  const samples: number[] = [];
  try {
    for (let i = 1; i <= settings.propagationSamples; i++) {
      const started = performance.now();
      await store.set(PING, { i, until: Date.now() + 30_000, category: 'rate_limit', statusCode: 429, at: Date.now() }, 60_000);
      while (store.get<{ i: number }>(PONG)?.i !== i) {
        if (performance.now() - started > 10_000)
          throw new Error(`Failed to measure propagation: no echo within 10 s (${spec.kind} store)`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      samples.push((performance.now() - started) / 2);
    }
  } finally {
    await store.set(PING, { i: -1 }, 60_000);
    await peer.exited;
  }
  return { store: spec.kind, oneWay: summarize(samples) };
}

/**
 * `stampedeCalls` concurrent resolve() calls spread over `stampedeProcesses` processes and `stampedeOrgs`
 * organisations, against a backend that counts its requests: once with nothing cached, once after every entry expired.
 */
async function measureStampede(spec: StoreSpec, settings: StoreSettings): Promise<StampedeRow[]> {
  const ttlMs = 1_500;
  const requests = new Map<string, number>();
  const backend = createServer((request: IncomingMessage, response: ServerResponse) => {
    const org = String(request.headers['x-organization-id']);
    requests.set(org, (requests.get(org) ?? 0) + 1);
    const type = new URL(request.url ?? '/', 'http://backend').searchParams.get('type');
    const records =
      type === 'llm'
        ? [
            {
              provider: 'openai-compatible',
              config: { baseURL: 'http://127.0.0.1:9/v1', model: `model-${org}` },
              priority: 1,
              isEnabled: true,
            },
          ]
        : [];
    // A backend that takes a while: the window in which a stampede would pile up.
    setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(records)), 50);
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const perProcess = Math.ceil(settings.stampedeCalls / settings.stampedeProcesses);
  const peers = Array.from({ length: settings.stampedeProcesses }, () =>
    startPeer(['stampede', JSON.stringify(spec), url, String(settings.stampedeOrgs), String(perProcess), String(ttlMs)]),
  );
  const rows: StampedeRow[] = [];
  try {
    await Promise.all(peers.map((peer) => peer.line()));
    for (const kind of ['cold', 'expired'] as const) {
      if (kind === 'expired') await sleep(ttlMs + 200);
      requests.clear();
      for (const peer of peers) peer.child.stdin!.write('go\n');
      const answers = (await Promise.all(peers.map((peer) => peer.line()))).map(
        (line) => JSON.parse(line) as { ms: number[]; errors: number },
      );
      // Background refreshes of expired entries end after the calls were answered: wait until the backend is quiet.
      for (let seen = -1, quietSince = Date.now(); Date.now() - quietSince < 500; await sleep(50)) {
        const total = [...requests.values()].reduce((sum, count) => sum + count, 0);
        if (total !== seen) [seen, quietSince] = [total, Date.now()];
      }
      const perOrg = Array.from({ length: settings.stampedeOrgs }, (_, org) => (requests.get(`org-${org}`) ?? 0) / MODALITIES_PER_ROUND);
      rows.push({
        store: spec.kind,
        case: kind,
        calls: perProcess * peers.length,
        errors: answers.reduce((sum, answer) => sum + answer.errors, 0),
        roundsPerOrgMax: Math.max(...perOrg),
        roundsPerOrgMean: round(perOrg.reduce((sum, rounds) => sum + rounds, 0) / perOrg.length, 2),
        resolve: summarize(answers.flatMap((answer) => answer.ms)),
      });
    }
  } finally {
    for (const peer of peers) peer.child.stdin!.end();
    await Promise.all(peers.map((peer) => peer.exited));
    await new Promise((resolve) => backend.close(resolve));
  }
  return rows;
}

/** A peer process (bench/store-peer.ts) and its output, line by line. */
function startPeer(args: string[]): { child: ChildProcess; line: () => Promise<string>; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', peerScript, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    exited,
    line: async () => {
      const next = await lines.next();
      if (next.done) throw new Error(`Failed to run the store bench: a peer process exited (${args[0]})`);
      return next.value as string;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

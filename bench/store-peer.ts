// Another call process for the store phase (bench/store.ts): opens the store named on the command line and either
// echoes the pings it sees (propagation) or fires resolve() calls at each `go` line on stdin (stampede).
import { createInterface } from 'node:readline';
import { createMachineStore, createProviderResolver, createRedisStore, type StateStore } from '../src/index.js';

/** Which store a peer opens: the same directory or the same Redis and prefix as the bench. */
export type StoreSpec = { kind: 'machine'; dir: string } | { kind: 'redis'; url: string; prefix: string };

export const PING = 'fleet:option:llm:bench/ping@default#env';
export const PONG = 'fleet:option:llm:bench/pong@default#env';

export async function openStore(spec: StoreSpec): Promise<StateStore> {
  return spec.kind === 'machine'
    ? createMachineStore({ dir: spec.dir })
    : createRedisStore({ url: spec.url }, { prefix: spec.prefix, connectTimeoutMs: 30_000 });
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function echo(store: StateStore): Promise<void> {
  let last = 0;
  process.stdout.write('ready\n');
  // Polled as fast as the event loop turns: the first read that sees a ping is when it reached this process.
  for (;;) {
    const ping = store.get<{ i: number }>(PING);
    if (ping && ping.i < 0) return;
    if (ping && ping.i > last) {
      last = ping.i;
      await store.set(PONG, { i: last }, 60_000);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function stampede(store: StateStore, backendURL: string, orgs: number, calls: number, ttlMs: number): Promise<void> {
  const resolver = createProviderResolver({ url: backendURL, apiKey: 'bench', store, ttlMs, envFallback: false, logger: quiet });
  const lines = createInterface({ input: process.stdin });
  await resolver.resolve('org-warm-up'); // the first resolve() of a process compiles the config schemas
  process.stdout.write('ready\n');
  for await (const line of lines) {
    if (line !== 'go') break;
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: calls }, async (_, call) => {
        const t0 = performance.now();
        await resolver.resolve(`org-${call % orgs}`);
        return performance.now() - t0;
      }),
    );
    const ms = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    process.stdout.write(`${JSON.stringify({ ms, errors: calls - ms.length, wallMs: performance.now() - started })}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, spec, ...args] = process.argv.slice(2);
  const store = await openStore(JSON.parse(spec!) as StoreSpec);
  if (mode === 'echo') await echo(store);
  else await stampede(store, args[0]!, Number(args[1]), Number(args[2]), Number(args[3]));
  await store.close();
  process.exit(0);
}

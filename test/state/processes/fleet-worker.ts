// A call process of a fleet sharing one machine store (LIVEKIT_VOICE_STACK_STATE_DIR is not used: the directory is an
// argument). `resolve <dir> <backend> <orgs> <calls> <ttlMs>`: prints `ready`, then at each `go` line on stdin fires
// <calls> concurrent resolve() calls over <orgs> organisations and prints how many failed. `call <dir> <leaseMs>`:
// takes a call from a mode controller, prints its mode, and holds the call (renewing its lease) until killed.
import { createInterface } from 'node:readline';
import { createMachineStore, createModeController, createProviderResolver } from '../../../src/index.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const [operation, dir, ...args] = process.argv.slice(2);
const store = createMachineStore({ dir: dir! });

if (operation === 'resolve') {
  const [backend, orgs, calls, ttlMs] = args;
  const resolver = createProviderResolver({
    url: backend!,
    apiKey: 'test',
    store,
    ttlMs: Number(ttlMs),
    envFallback: false,
    logger: quiet,
  });
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'go') break;
    const results = await Promise.allSettled(
      Array.from({ length: Number(calls) }, (_, call) => resolver.resolve(`org-${call % Number(orgs)}`)),
    );
    const models = results.map((result) =>
      result.status === 'fulfilled' ? (result.value.llm as unknown as { model: string }[])[0]!.model : 'failed',
    );
    process.stdout.write(
      `${JSON.stringify({ failed: models.filter((model) => model === 'failed').length, models: [...new Set(models)].sort() })}\n`,
    );
  }
} else if (operation === 'call') {
  const llm = (model: string) => ({ llm: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model } });
  const controller = createModeController({
    modes: { cloud: llm('cloud-model'), local: llm('local-model') },
    mode: 'cloud',
    store,
    leaseMs: Number(args[0]),
    createOptions: { logger: quiet },
  });
  const call = await controller.stackForCall();
  process.stdout.write(`${JSON.stringify({ mode: call.mode, model: call.stack.options.llm[0]!.model })}\n`);
  setInterval(() => undefined, 60_000); // a call in progress, until the test kills this process
}

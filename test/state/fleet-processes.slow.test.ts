import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachineStore, createModeController } from '../../src/index.js';
import { eventually, sleep } from '../helpers/state.js';

// The fleet's shared state across call processes (plain forked Node processes, as LiveKit forks one per call), all on
// one machine store: the organisation cache's single flight, the mode, and the active-call leases.
const worker = new URL('./processes/fleet-worker.ts', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-fleet-'));
  dirs.push(dir);
  return dir;
};
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A worker process, read line by line. */
function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    exited,
    line: async () => {
      const next = await lines.next();
      if (next.done) throw new Error(`the worker (${args[0]}) exited without answering`);
      return next.value as string;
    },
  };
}

describe('the organisation cache across processes', () => {
  // The backend: a real HTTP server (msw cannot see a child's requests) that counts requests per organisation and
  // answers slowly, so that every call of the stampede starts while the first request is in flight.
  const requests = new Map<string, number>();
  let backend: Server;
  let url: string;
  beforeAll(async () => {
    backend = createServer((request, response) => {
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
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(records)), 100);
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => backend.close(resolve)));

  it('1,000 concurrent resolve() over 4 processes ask the backend once per organisation, cold and after expiry', async () => {
    const [processes, callsEach, orgs, ttlMs] = [4, 250, 5, 1_500];
    const dir = tempDir();
    const workers = Array.from({ length: processes }, () => start(['resolve', dir, url, String(orgs), String(callsEach), String(ttlMs)]));
    const round = async () => {
      requests.clear();
      for (const one of workers) one.child.stdin!.write('go\n');
      return (await Promise.all(workers.map((one) => one.line()))).map((line) => JSON.parse(line) as { failed: number; models: string[] });
    };
    try {
      await Promise.all(workers.map((one) => one.line()));
      const expected = Array.from({ length: orgs }, (_, org) => `model-org-${org}`).sort();
      const onePerModality = Object.fromEntries(expected.map((_, org) => [`org-${org}`, 3]));

      // Nothing cached: one process asks for each organisation (one request per modality), the others wait for its answer.
      for (const answer of await round()) expect(answer).toEqual({ failed: 0, models: expected });
      expect(Object.fromEntries(requests)).toEqual(onePerModality);

      // Every entry expired: each call is served the expired entry at once, and one process refreshes each.
      await sleep(ttlMs + 100); // time itself: every entry's TTL runs out
      for (const answer of await round()) expect(answer).toEqual({ failed: 0, models: expected });
      await eventually(() => [...requests.values()].reduce((sum, count) => sum + count, 0) >= orgs * 3);
      await sleep(300); // time itself: a second refresh, if there were one, would arrive meanwhile
      expect(Object.fromEntries(requests)).toEqual(onePerModality);
    } finally {
      for (const one of workers) one.child.stdin!.end();
      await Promise.all(workers.map((one) => one.exited));
    }
  }, 180_000);
});

describe('modes across processes', () => {
  it('setMode in one process gives the next call in another the new mode; a killed call stops counting', async () => {
    const dir = tempDir();
    const leaseMs = 1_000;
    const llm = (model: string) => ({ llm: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model } });
    // The operator's process (a dashboard, the CLI): same store, same modes.
    const store = createMachineStore({ dir });
    const controller = createModeController({
      modes: { cloud: llm('cloud-model'), local: llm('local-model') },
      mode: 'cloud',
      store,
      leaseMs,
    });
    try {
      const first = start(['call', dir, String(leaseMs)]);
      expect(JSON.parse(await first.line())).toEqual({ mode: 'cloud', model: 'cloud-model' });

      await controller.setMode('local');
      const second = start(['call', dir, String(leaseMs)]);
      expect(JSON.parse(await second.line())).toEqual({ mode: 'local', model: 'local-model' });
      // The fleet's count: both calls, each in its own process, renewing its lease.
      expect(await eventually(() => controller.activeCalls === 2)).toBe(true);
      expect(controller.activeCallsByMode()).toEqual({ cloud: 1, local: 1 });

      // A call process killed mid-call never releases its call: its lease expires.
      first.child.kill('SIGKILL');
      await first.exited;
      expect(await eventually(() => controller.activeCalls === 1, 10 * leaseMs)).toBe(true);
      await sleep(2 * leaseMs); // time itself: the live call keeps counting past its lease, its process renews it
      expect(controller.activeCallsByMode()).toEqual({ local: 1 });
      second.child.kill('SIGKILL');
      await second.exited;
      expect(await eventually(() => controller.activeCalls === 0, 10 * leaseMs)).toBe(true);
    } finally {
      await controller.close();
      await store.close();
    }
  }, 180_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, runTsx, userEnv } from '../helpers/composition.js';
import { repositoryRoot } from '../helpers/docs-code-blocks.js';
import { useRedisServer } from '../helpers/redis-server.js';
import { useTempDirs } from '../helpers/state.js';

// docs/operations.md's fleet, process by process, on a real Redis: worker processes as "Pointing a fleet at Redis"
// builds them (one Redis store each, passed as `store` to the mode controller or the stack), each with a state
// directory of its own (as on separate machines: only Redis is shared), the dashboard and the `mode` CLI. Twice in a
// row, each round on an empty Redis. Every process must exit by itself after closing (the dashboard after SIGINT).
const worker = 'test/compositions/scripts/fleet-process.ts';
const cli = 'src/cli/index.ts';
const redis = useRedisServer();
const stateDir = useTempDirs('lvs-composition-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A reply ending with `text`: on a loaded machine a slow fallback may start with the holding phrase. */
const reply = (text: string) => expect.stringMatching(new RegExp(`(^|One moment, please\\. )${text.replace(/\./g, '\\.')}$`));

/** A worker on its own "machine" (state directory). */
async function workerRun(role: 'call' | 'plain', env: Record<string, string> = {}) {
  const result = await runTsx([worker, role], {
    env: { REDIS_URL: redis.url, OPENAI_API_KEY: 'sk-test', LIVEKIT_VOICE_STACK_STATE_DIR: stateDir(), ...env },
  });
  expect(result.stayedAlive, describeRun(result)).toBe(false);
  expect(result.code, describeRun(result)).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { mode: string; answer: string; openaiRequests: number };
}

async function cliRun(args: string[]) {
  const result = await runTsx([cli, ...args, '--redis', redis.url], { env: { LIVEKIT_VOICE_STACK_STATE_DIR: stateDir() }, marker: false });
  expect(result.stayedAlive, describeRun(result)).toBe(false);
  return result;
}

/** The dashboard on the fleet's Redis: its state API, then SIGINT. */
async function startDashboard() {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'dashboard', '--redis', redis.url, '--port', '0'], {
    cwd: repositoryRoot,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let url: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /Dashboard: (http:\/\/\S+?)#token=/.exec(line);
    if (match) {
      url = match[1]!;
      break;
    }
  }
  if (!url) throw new Error(`the dashboard printed no URL:\n${stderr}`);
  return {
    state: async () =>
      (await (await fetch(new URL('/api/state', url))).json()) as {
        mode?: string;
        options: { label: string }[];
        log: { kind: string; from?: string; to?: string }[];
      },
    /** SIGINT, as on-call stops it: resolves with the exit code, or `'stayed alive'`. */
    stop: async () => {
      child.kill('SIGINT');
      const timer = new Promise<'stayed alive'>((resolve) => setTimeout(() => resolve('stayed alive'), 10_000).unref());
      return Promise.race([exited, timer]);
    },
  };
}

/** Redis killed and started again, empty: the next round starts from nothing. */
async function emptyRedis() {
  await redis.kill();
  await redis.restart();
}

/**
 * Two `role` workers, each on its own machine: OpenAI rate-limits the first, llama.cpp answers, and the 429's cooldown
 * goes to Redis; the second would get OpenAI, but it is cooling fleet-wide, so its call starts on llama.cpp. The
 * dashboard then lists OpenAI and the fallback. `mode`: what the workers report.
 */
async function cooldownAcrossTheFleet(role: 'call' | 'plain', mode: string) {
  expect(await workerRun(role, { PRIMARY_FAILS: '1' })).toEqual({ mode, answer: reply('From llama.cpp.'), openaiRequests: 1 });
  expect.soft(await workerRun(role)).toEqual({ mode, answer: reply('From llama.cpp.'), openaiRequests: 0 });
  const dashboard = await startDashboard();
  try {
    const state = await dashboard.state();
    expect(state.options.map((option) => option.label)).toContain('openai/gpt-4.1-mini');
    expect(state.log).toContainEqual(expect.objectContaining({ kind: 'fallback', from: 'openai/gpt-4.1-mini', to: 'llama-cpp/local' }));
  } finally {
    expect(await dashboard.stop()).toBe(0);
  }
}

describe('a fleet on one Redis: workers, dashboard and CLI', { timeout: 300_000 }, () => {
  for (const round of [1, 2]) {
    it(`round ${round}: a cooldown reaches the other process, the dashboard shows it, and the CLI switches the mode`, async () => {
      if (round === 2) await emptyRedis();
      await cooldownAcrossTheFleet('call', 'pipeline');

      // On-call switches the fleet to `local` from the command line: the next call of any worker gets it.
      const set = await cliRun(['mode', 'set', 'local']);
      expect(set.code, describeRun(set)).toBe(0);
      expect(set.stdout).toContain('local');
      expect(await workerRun('call')).toEqual({ mode: 'local', answer: reply('From llama.cpp.'), openaiRequests: 0 });
    });
  }

  it('a plain stack given the store shares its cooldown and logs its fallback for the dashboard', async () => {
    await emptyRedis();
    await cooldownAcrossTheFleet('plain', 'plain');
  });
});

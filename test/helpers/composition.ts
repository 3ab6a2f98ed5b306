import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { repositoryRoot } from './docs-code-blocks.js';

/** What a composition prints on stderr once it closed everything: the exit is timed from there. */
export const CLOSED = 'composition: closed';

/** How long a process may stay alive after {@link CLOSED}. */
export const EXIT_WITHIN_MS = 10_000;
/** Without the marker (an example as it ships), how long it may stay silent and alive after its last output. */
export const IDLE_EXIT_WITHIN_MS = 30_000;

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed because it was still alive {@link EXIT_WITHIN_MS} after closing (or {@link IDLE_EXIT_WITHIN_MS} after its last output). */
  stayedAlive: boolean;
}

export interface RunOptions {
  /** Added to the cleaned environment (see {@link userEnv}). */
  env?: Record<string, string | undefined>;
  /** Whether the process prints {@link CLOSED} (default true): without it the exit is timed from the last output. */
  marker?: boolean;
  /** Kills the process after this long whatever it does (default 120 s). */
  timeoutMs?: number;
  cwd?: string;
}

/**
 * The environment of a user's shell: this test process's, without what the test runner set (VITEST…, the per-test
 * state directory) and without provider keys of the machine, so a composition sees only what it is given.
 */
export function userEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|TINYPOOL|LIVEKIT_|NODE_ENV$|TEST$|LOG_LEVEL$)|_API_(KEY|SECRET)$|^REDIS_URL$/.test(key)) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs `node --import tsx <args>` from the repository root (tsconfig `paths` resolve `livekit-voice-stack` to src/). */
export function runTsx(args: string[], options: RunOptions = {}): Promise<ProcessRun> {
  return runProcess(process.execPath, ['--import', 'tsx', ...args], options);
}

/** Runs a command to its end and checks that it exits by itself: see {@link ProcessRun.stayedAlive}. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessRun> {
  const marker = options.marker ?? true;
  const limit = marker ? EXIT_WITHIN_MS : IDLE_EXIT_WITHIN_MS;
  const child = spawn(command, args, {
    cwd: options.cwd ?? repositoryRoot,
    env: userEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let stayedAlive = false;
  let exitTimer: ReturnType<typeof setTimeout> | undefined;
  const armExit = () => {
    clearTimeout(exitTimer);
    exitTimer = setTimeout(() => {
      stayedAlive = true;
      child.kill('SIGKILL');
    }, limit);
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!marker) armExit();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const closedNow = !stderr.includes(CLOSED) && (stderr + chunk).includes(CLOSED);
    stderr += chunk;
    if (closedNow || !marker) armExit();
  });
  const overall = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(exitTimer);
      clearTimeout(overall);
      resolve({ code, signal, stdout, stderr, stayedAlive });
    });
  });
}

/** A line for an assertion's message: how the run ended and what it printed. */
export function describeRun(run: ProcessRun): string {
  const how = run.stayedAlive ? 'stayed alive after closing (killed)' : `exit code ${run.code ?? run.signal}`;
  return `${how}\n--- stdout\n${run.stdout.slice(-4_000)}\n--- stderr\n${run.stderr.slice(-4_000)}`;
}

/**
 * Runs a composition twice in a row, as a user runs a script again (the second run finds what the first left: a
 * cooldown in the state directory): each run must exit by itself with code 0, its output in the message when not.
 * `check` asserts on each run's output. Resolves with both runs.
 */
export async function runTwice(
  start: () => Promise<ProcessRun>,
  check: (result: ProcessRun, run: 1 | 2) => void = () => undefined,
): Promise<ProcessRun[]> {
  const runs: ProcessRun[] = [];
  for (const run of [1, 2] as const) {
    const result = await start();
    expect(result.stayedAlive, `run ${run}: ${describeRun(result)}`).toBe(false);
    expect(result.code, `run ${run}: ${describeRun(result)}`).toBe(0);
    check(result, run);
    runs.push(result);
  }
  return runs;
}

/** Writes generated files under test/.generated/compositions/<name> (git-ignored) and returns their directory. */
export function generated(name: string, files: Record<string, string>): string {
  const dir = join(repositoryRoot, 'test/.generated/compositions', name);
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** A fresh directory for one composition's state (both of its runs share it), removed by the returned function. */
export function stateDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-composition-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../helpers/doctor-upstream.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI as the bin does, in its own process; resolves with its exit code and output once it exits by itself. */
function runBin(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', ...args],
      { env: { ...base, ...env }, cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

let vllm: Upstream;
let llama: Upstream;
beforeAll(async () => {
  [vllm, llama] = await Promise.all([startUpstream(), startUpstream()]);
});
afterAll(() => Promise.all([vllm, llama].map((upstream) => new Promise((resolve) => upstream.server.close(resolve)))));

// The in-process tests (test/cli/doctor-cli.test.ts) cover the output; this one covers the process: exit codes, and
// an exit by itself once the report is written (no socket or timer of the probes keeps it alive).
describe('the livekit-voice-stack bin, in its own process', { timeout: 60_000 }, () => {
  it('doctor exits 0 while the slot has a working option, 1 with --strict, and never prints the key', async () => {
    llama.llamaHealth = 503;
    const env = {
      OPENAI_BASE_URL: `${vllm.url}/v1`,
      OPENAI_API_KEY: 'sk-doctor-secret-42',
      OPENAI_LLM_MODEL: 'qwen3-8b',
      LOCAL_LLM_BASE_URL: `${llama.url}/v1`,
    };
    const [result, strict] = await Promise.all([runBin(['doctor'], env), runBin(['doctor', '--strict'], env)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ llm: 1/2 healthy');
    expect(result.stdout).toContain('HTTP 503: Loading model');
    expect(strict.code).toBe(1);
    expect(result.stdout + result.stderr + strict.stdout + strict.stderr).not.toContain('sk-doctor-secret-42');
  });
});

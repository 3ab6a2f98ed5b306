import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLEET_KEYS } from '../../src/state/fleet-state.js';

// Agents in processes of their own (outside the test runner, as in production). Another local user can create `<tmpdir>/livekit-voice-stack-<user>` before us (the temp directory is shared): the
// machine store must not trust it. The suite runs as root; "another user" is `nobody` (uid 65534).
const NOBODY = 65_534;
const config = { llm: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm' } };
let root: string;
const saved = {
  TMPDIR: process.env.TMPDIR,
  HOME: process.env.HOME,
  XDG: process.env.XDG_RUNTIME_DIR,
  DIR: process.env.LIVEKIT_VOICE_STACK_STATE_DIR,
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lvs-planted-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'tmp'), { mode: 0o1777 });
  chmodSync(join(root, 'tmp'), 0o1777); // a shared temp directory, as /tmp
  mkdirSync(join(root, 'home'), { mode: 0o700 });
  process.env.TMPDIR = join(root, 'tmp');
  process.env.HOME = join(root, 'home');
  delete process.env.XDG_RUNTIME_DIR;
  delete process.env.LIVEKIT_VOICE_STACK_STATE_DIR; // the default directory
});
afterEach(() => {
  for (const [name, value] of [
    ['TMPDIR', saved.TMPDIR],
    ['HOME', saved.HOME],
    ['XDG_RUNTIME_DIR', saved.XDG],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.env.LIVEKIT_VOICE_STACK_STATE_DIR = saved.DIR;
  rmSync(root, { recursive: true, force: true });
});

/** The other user's directory at the default path, holding a planted mode under both naming schemes. */
function plant(): string {
  const dir = join(root, 'tmp', `livekit-voice-stack-${userInfo().username}`);
  mkdirSync(dir);
  const entry = JSON.stringify({ k: FLEET_KEYS.mode, e: Date.now() + 3_600_000, v: { mode: 'planted', at: Date.now() } });
  writeFileSync(join(dir, `e-${Buffer.from(FLEET_KEYS.mode).toString('base64url')}`), entry);
  writeFileSync(join(dir, `h-${createHash('sha256').update(FLEET_KEYS.mode).digest('base64url')}`), entry);
  for (const name of readdirSync(dir)) chownSync(join(dir, name), NOBODY, NOBODY);
  chownSync(dir, NOBODY, NOBODY);
  chmodSync(dir, 0o777);
  return dir;
}

const worker = new URL('./processes/default-store-worker.ts', import.meta.url).pathname;

/** Runs the agent in a process of its own, outside the test runner (as in production), with this test's TMPDIR and HOME. */
function runAgent(): { ok: boolean; mode?: string; error?: string; warnings: string[] } {
  const env = { ...process.env };
  for (const name of [
    'VITEST',
    'VITEST_POOL_ID',
    'VITEST_WORKER_ID',
    'JEST_WORKER_ID',
    'NODE_TEST_CONTEXT',
    'LIVEKIT_VOICE_STACK_STATE_DIR',
  ])
    delete env[name];
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', worker], { env, encoding: 'utf8', timeout: 80_000 }));
}

describe('an agent on the default machine store', () => {
  it('does not read a mode planted by another user', { timeout: 90_000 }, () => {
    plant();
    expect(runAgent()).toMatchObject({ ok: true, mode: 'mine', warnings: [expect.stringMatching(/belongs to another user/)] });
  });

  it('starts when a plain file sits at the default path (fail open)', { timeout: 90_000 }, () => {
    writeFileSync(join(root, 'tmp', `livekit-voice-stack-${userInfo().username}`), 'not a directory');
    expect(runAgent()).toMatchObject({ ok: true, mode: 'mine', warnings: [expect.stringMatching(/it is not a directory/)] });
  });
});

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plantModeDir, useSharedTmp } from '../helpers/shared-tmp.js';

// Agents in processes of their own (outside the test runner, as in production). Another local user can create `<tmpdir>/livekit-voice-stack-<user>` before us (the temp directory is shared): the
// machine store must not trust it. The suite runs as root; "another user" is `nobody` (uid 65534).
const shared = useSharedTmp();
const plant = () => plantModeDir(shared.defaultDir());

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
    writeFileSync(shared.defaultDir(), 'not a directory');
    expect(runAgent()).toMatchObject({ ok: true, mode: 'mine', warnings: [expect.stringMatching(/it is not a directory/)] });
  });
});

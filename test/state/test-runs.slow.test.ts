import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlock, repositoryRoot } from '../helpers/docs-code-blocks.js';

// docs/testing.md's complete example, run by a user's vitest (no setup file, no state directory set), twice in a row
// and as two files of one run: test runs are not a fleet, so the scripted 429 of one run never cools `a/one` for the next.
const project = mkdtempSync(join(tmpdir(), 'lvs-user-tests-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
symlinkSync(join(repositoryRoot, 'node_modules'), join(project, 'node_modules'));
const shared = join(project, 'tmp'); // the machine's shared temp directory, as far as these runs know
mkdirSync(shared);
// Verbatim but for the 429's Retry-After: an hour rather than 30 s, so that a slow machine (a vitest start can take
// longer than 30 s under load) cannot let the cooldown expire between the runs.
const example = codeBlock('docs/testing.md', 'A complete vitest example').replace('retryAfter: 30 }', 'retryAfter: 3600 }');
if (!example.includes('retryAfter: 3600 }'))
  throw new Error("docs/testing.md's example no longer scripts `retryAfter: 30`: update this test");
for (const file of ['first.test.ts', 'second.test.ts']) writeFileSync(join(project, file), example);
const src = (path: string) => JSON.stringify(join(repositoryRoot, 'src', path));
writeFileSync(
  join(project, 'vitest.config.mjs'),
  `export default {
  resolve: { alias: [
    { find: /^livekit-voice-stack\\/testing$/, replacement: ${src('testing/index.ts')} },
    { find: /^livekit-voice-stack$/, replacement: ${src('index.ts')} },
  ] },
  test: { include: ['*.test.ts'], testTimeout: 60000, pool: 'forks' },
};
`,
);

async function runVitest(...args: string[]): Promise<{ ok: boolean; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: shared };
  for (const name of Object.keys(env)) if (name.startsWith('VITEST') || name === 'LIVEKIT_VOICE_STACK_STATE_DIR') delete env[name];
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(repositoryRoot, 'node_modules/vitest/vitest.mjs'), 'run', ...args],
      {
        cwd: project,
        env,
        timeout: 240_000,
      },
    );
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  }
}

describe("a user's test runs of the docs/testing.md example", () => {
  it('pass twice in a row, and as two files of one worker without isolation, writing nothing to the shared temp directory', async () => {
    const first = await runVitest('first.test.ts');
    expect(first.output).toContain('1 passed');
    const again = await runVitest('first.test.ts'); // within 30 s: the 429's cooldown would still be on disk
    expect(again.output).toContain('1 passed');
    expect(again.ok).toBe(true);
    const together = await runVitest('--no-isolate', '--maxWorkers=1', 'first.test.ts', 'second.test.ts');
    expect(together.output).toContain('2 passed');
    expect(readdirSync(shared).filter((name) => name.startsWith('livekit-voice-stack'))).toEqual([]);
  }, 600_000);
});

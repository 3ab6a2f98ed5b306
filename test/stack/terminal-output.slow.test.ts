import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const script = fileURLToPath(new URL('./fixtures/terminal-output.ts', import.meta.url));

/** The script in its own process, as `npx tsx agent.ts` runs it: what the terminal shows, and the exit code. */
function run(args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsx, script, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe('what the terminal shows when the host set up no logger', { timeout: 120_000 }, () => {
  it('readable lines on stderr, the banner once for two stacks, nothing at close; stdout stays the app’s', async () => {
    const { code, stdout, stderr } = await run();
    expect(code).toBe(0);
    expect(stdout).toBe('answer: Hi from two.\n'); // before: pino JSON lines of every failed attempt, on stdout
    const lines = stderr.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(stderr.match(/voice stack ready/g)).toHaveLength(1);
    expect(lines.slice(0, 3)).toEqual([
      'livekit-voice-stack: voice stack ready: llm: openai-compatible/one → openai-compatible/two',
      expect.stringMatching(/^LiveKit Inference: DISABLED \(plugins\), needs a server at http:\/\/127\.0\.0\.1:\d+\/v1$/),
      'LLM: openai-compatible one → openai-compatible two',
    ]);
    expect(stderr).toMatch(/^livekit-voice-stack warn: LLM option openai-compatible\/one failed: .*HTTP 503/m);
    expect(stderr).not.toContain('skipping user input');
    expect(stderr).not.toContain('sk-terminal-test');
  });

  it('a host that set up LiveKit’s logger (as cli.runApp does) keeps it: its JSON lines, at its level, every banner', async () => {
    const { code, stdout, stderr } = await run(['host']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const json = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { name?: string; msg: string; level: number });
    expect(json.filter((entry) => entry.msg.startsWith('voice stack ready'))).toHaveLength(2);
    expect(json.some((entry) => entry.name === 'livekit-voice-stack' && entry.level === 40 && /HTTP 503/.test(entry.msg))).toBe(true);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
// The repository's tsx runs the CLI's sources (the package runs dist/cli.js); resolved here, not from the user's directory.
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

let acme: Server;
let acmeURL: string;
let healthStatus = 200;
let dir: string;
beforeAll(async () => {
  acme = createServer((request, response) => {
    response.writeHead(request.url === '/v1/health' ? healthStatus : 404, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => acme.listen(0, '127.0.0.1', resolve));
  acmeURL = `http://127.0.0.1:${(acme.address() as AddressInfo).port}/v1`;
  dir = await mkdtemp(join(tmpdir(), 'lvs-adapters-process-'));
});
afterAll(async () => {
  await new Promise((resolve) => acme.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** `livekit-voice-stack …` in its own process, from a user's project directory (relative paths resolve there). */
function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsx, join(root, 'src/cli/index.ts'), ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe('npx livekit-voice-stack doctor --adapters, as a process', { timeout: 90_000 }, () => {
  it('probes the custom adapter of a .js or .ts module given by a relative path, and exits by itself', async () => {
    await writeFile(join(dir, 'stack.json'), JSON.stringify({ llm: { provider: 'acme', baseURL: acmeURL } }));
    const js = join(dir, 'adapters.js');
    await writeFile(js, `export * from ${JSON.stringify(join(fixtures, 'acme-adapters.js'))};\n`);
    healthStatus = 200;
    const [fromJs, fromTs] = await Promise.all([
      cli(['doctor', '--config', 'stack.json', '--adapters', './adapters.js'], dir),
      cli(['doctor', '--config', 'stack.json', '--adapters', join(fixtures, 'acme-adapters.ts')], dir),
    ]);
    for (const result of [fromJs, fromTs]) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^llm +acme +acme-fast +✓ ok/m);
    }
    healthStatus = 503;
    const failing = await cli(['doctor', '--config', 'stack.json', '--adapters', './adapters.js'], dir);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^llm +acme +acme-fast +✗ failed .* HTTP 503$/m);
  });
});

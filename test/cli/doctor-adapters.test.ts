import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

// msw does not see what an adapter module's own fetch does in every case: a real local server stands for Acme.
let acme: Server;
let acmeURL: string;
const probes: string[] = [];
let dir: string;
let config: string;
beforeAll(async () => {
  acme = createServer((request, response) => {
    probes.push(`${request.method} ${request.url}`);
    response.writeHead(request.url === '/v1/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => acme.listen(0, '127.0.0.1', resolve));
  acmeURL = `http://127.0.0.1:${(acme.address() as AddressInfo).port}/v1`;
  dir = await mkdtemp(join(tmpdir(), 'lvs-adapters-'));
  config = join(dir, 'stack.json');
  await writeFile(config, JSON.stringify({ llm: { provider: 'acme', baseURL: acmeURL } }));
});
afterAll(async () => {
  await new Promise((resolve) => acme.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('doctor, config and dashboard load custom adapters with --adapters', () => {
  it('doctor probes a custom adapter with its health() (a module exporting `adapters`, or a .ts default export)', async () => {
    for (const module of ['acme-adapters.js', 'acme-adapters.ts']) {
      probes.length = 0;
      const result = await runCliInProcess(['doctor', '--config', config, '--adapters', join(fixtures, module), '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, results: [{ provider: 'acme', model: 'acme-fast', status: 'ok' }] });
      expect(probes).toEqual(['GET /v1/health']);
    }
  });

  it('config validates the entry against the adapter; without --adapters the fix names the option a CLI user can pass', async () => {
    const printed = await runCliInProcess(['config', '-c', config, '--adapters', join(fixtures, 'acme-adapters.js')]);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({ llm: { provider: 'acme', baseURL: acmeURL } });

    const without = await runCliInProcess(['doctor', '-c', config]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('unknown provider "acme"');
    expect(without.stderr).toContain('load it with --adapters ./adapters.js');
    expect(without.stderr).not.toContain('options.adapters');
  });

  it('a module that is missing or exports no adapters is a usage error that says what to export', async () => {
    const empty = join(dir, 'empty.mjs');
    await writeFile(empty, 'export const nothing = 1;\n');
    const notAdapter = join(dir, 'not-adapter.mjs');
    await writeFile(notAdapter, 'export default [{ provider: "acme" }];\n');
    const [missing, none, wrong] = await Promise.all([
      runCliInProcess(['doctor', '-c', config, '--adapters', join(dir, 'nope.js')]),
      runCliInProcess(['doctor', '-c', config, '--adapters', empty]),
      runCliInProcess(['config', '-c', config, '--adapters', notAdapter]),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain(`livekit-voice-stack doctor: Failed to load the adapters in ${join(dir, 'nope.js')}: no such file.`);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('it exports no adapters. Fix: export them: `export const adapters = [acmeLLM]`');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('adapters[0] is not an adapter (it needs modality, provider and create())');
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

// msw does not cross processes: the CLI child talks to real local servers.
interface Upstream {
  server: Server;
  url: string;
  requests: string[];
  llamaHealth: number;
  chatStatus: number;
}

async function startUpstream(): Promise<Upstream> {
  const upstream = { requests: [] as string[], llamaHealth: 200, chatStatus: 200 } as Upstream;
  upstream.server = createServer((request: IncomingMessage, response: ServerResponse) => {
    upstream.requests.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/health') {
        response.statusCode = upstream.llamaHealth;
        response.end(JSON.stringify(upstream.llamaHealth === 200 ? { status: 'ok' } : { error: { code: 503, message: 'Loading model' } }));
      } else if (request.url === '/v1/chat/completions') {
        response.statusCode = upstream.chatStatus;
        response.end(
          JSON.stringify(
            upstream.chatStatus === 200
              ? {
                  id: 'x',
                  object: 'chat.completion',
                  choices: [{ index: 0, message: { role: 'assistant', content: 'p' }, finish_reason: 'length' }],
                }
              : { error: { message: 'Incorrect API key provided: sk-doctor-secret-42' } },
          ),
        );
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
  return upstream;
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', npm_config_update_notifier: 'false' };
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/cli/index.ts', ...args],
      { env: { ...base, ...env }, cwd: process.cwd(), timeout: 60_000 },
      (error, stdout, stderr) => {
        // npm may warn about the machine's own npmrc: not ours to assert on.
        const ours = stderr
          .split('\n')
          .filter((line) => !line.startsWith('npm warn'))
          .join('\n')
          .trim();
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr: ours });
      },
    );
  });
}

/** Latencies and ports vary between runs. */
const stable = (text: string, upstream: Upstream) =>
  text
    .replaceAll(upstream.url, 'http://127.0.0.1:PORT')
    .replace(/round trip [\d.]+ ms/, 'round trip N ms')
    .replace(/ +\d+ ms/g, (cell) => 'N ms'.padStart(cell.length));

let vllm: Upstream;
let llama: Upstream;
let dir: string;
beforeAll(async () => {
  [vllm, llama] = await Promise.all([startUpstream(), startUpstream()]);
  dir = await mkdtemp(join(tmpdir(), 'lvs-doctor-'));
});
afterAll(async () => {
  await Promise.all([vllm, llama].map((upstream) => new Promise((resolve) => upstream.server.close(resolve))));
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  OPENAI_BASE_URL: `${vllm.url}/v1`,
  OPENAI_API_KEY: 'sk-doctor-secret-42',
  OPENAI_LLM_MODEL: 'qwen3-8b',
  LOCAL_LLM_BASE_URL: `${llama.url}/v1`,
});

// Each test spawns the CLI through `npx tsx` (several at once): seconds apiece on a shared machine, as runCli's own limit allows.
describe('livekit-voice-stack doctor', { timeout: 60_000 }, () => {
  it('prints a table and exits 0 while the slot has a working option; --strict exits 1', async () => {
    llama.llamaHealth = 503;
    vllm.chatStatus = 200;
    const result = await runCli(['doctor'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/\u001b\[/); // no colour when not a TTY
    expect(stable(result.stdout, vllm)).toMatchInlineSnapshot(`
      "MODALITY  PROVIDER           MODEL     STATUS    LATENCY  ERROR
      llm       openai-compatible  qwen3-8b  ✓ ok         N ms
      llm       llama-cpp          local     ✗ failed     N ms  HTTP 503: Loading model

      ✓ llm: 1/2 healthy
      Every slot has an option that answered (or could not be probed).
      State store: machine, reachable, round trip N ms
      "
    `);
    expect(vllm.requests).toContain('POST /v1/chat/completions');
    expect(llama.requests).toContain('GET /health');

    const strict = await runCli(['doctor', '--strict'], env());
    expect(strict.code).toBe(1);
  });

  it('exits 1 when every option of a slot fails, and never prints the key', async () => {
    llama.llamaHealth = 503;
    vllm.chatStatus = 401;
    const result = await runCli(['doctor'], env());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('HTTP 401: Incorrect API key provided: ••••');
    expect(result.stdout).toContain('Failed: llm has no working option.');
    expect(result.stdout + result.stderr).not.toContain('sk-doctor-secret-42');
  });

  it('reads --config file.json, and `config` prints it with secrets masked', async () => {
    vllm.chatStatus = 200;
    const file = join(dir, 'stack.json');
    await writeFile(
      file,
      JSON.stringify({
        llm: [{ provider: 'openai-compatible', baseURL: `${vllm.url}/v1`, model: 'from-file', apiKey: 'sk-file-secret-0000001' }],
      }),
    );
    const [doctor, config] = await Promise.all([runCli(['doctor', '--config', file, '--json'], {}), runCli(['config', '-c', file], {})]);
    expect(doctor.code).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({
      ok: true,
      results: [{ provider: 'openai-compatible', model: 'from-file', status: 'ok' }],
    });
    expect(config.code).toBe(0);
    expect(JSON.parse(config.stdout)).toEqual({
      llm: [{ provider: 'openai-compatible', baseURL: `${vllm.url}/v1`, model: 'from-file', apiKey: '••••0001' }],
    });
  });

  it('exits 2 with the fix for an invalid config, no config, or an unknown command', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ llm: { provider: 'llama-cpp', baseURL: 'localhost:8080' } }));
    const [invalid, empty, emptyConfig, unknown, help] = await Promise.all([
      runCli(['doctor', '-c', file], {}),
      runCli(['doctor'], {}),
      runCli(['config'], {}),
      // The command line alone: no process needed (fewer processes at once on a loaded machine).
      runCliInProcess(['doktor']),
      runCliInProcess(['--help']),
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('llm.baseURL: expected a URL, got "localhost:8080". Fix: include the scheme');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no provider is configured in the environment. Fix:');
    expect(empty.stderr).toContain('https://github.com/');
    expect(emptyConfig).toMatchObject({ code: 2, stdout: '' }); // as doctor: not an empty `{}` and success
    expect(emptyConfig.stderr).toContain('no provider is configured in the environment. Fix:');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "doktor"');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: livekit-voice-stack <command>');
  });
});

describe('formatHealthReport', () => {
  it('colours the status when asked (a TTY, or FORCE_COLOR)', async () => {
    const { formatHealthReport } = await import('../../src/cli/format-health-report.js');
    const report = {
      ok: false,
      slots: { llm: 'failed' as const },
      checkedAt: 0,
      results: [
        {
          modality: 'llm' as const,
          provider: 'llama-cpp',
          model: 'local',
          path: 'llm',
          ok: false,
          status: 'failed' as const,
          latencyMs: 3,
          error: 'HTTP 503: Loading model',
        },
      ],
    };
    const coloured = formatHealthReport(report, { color: true });
    expect(coloured).toContain('\u001b[31m✗ failed\u001b[39m');
    expect(formatHealthReport(report, { color: false })).not.toMatch(/\u001b\[/);
    expect(formatHealthReport(report, { color: false })).toContain('Failed: llm has no working option.');
    const three = { ...report, slots: { stt: 'failed' as const, llm: 'failed' as const, tts: 'failed' as const } };
    expect(formatHealthReport(three, { color: false })).toContain('Failed: stt, llm and tts have no working option.');
  });
});

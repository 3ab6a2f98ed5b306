import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardCommand } from '../../src/cli/dashboard-command.js';
import { startDashboard } from '../../src/cli/dashboard.js';
import { createMemoryStore } from '../../src/index.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

type Answer = { status: number; headers: Record<string, unknown>; body: string };

/** GET on its own connection, with a chosen Host header (what a DNS-rebinding page sends); `sent` when the request left. */
function send(url: string, headers: Record<string, string> = {}): { sent: Promise<void>; answer: Promise<Answer> } {
  let sent!: Promise<void>;
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.once('error', reject);
    sent = new Promise((resolve) => req.once('finish', resolve));
    req.end();
  });
  return { sent, answer };
}

const get = (url: string, headers: Record<string, string> = {}) => send(url, headers).answer;

// A llama.cpp server stands for the provider the probes call: each `GET /health` is one provider call.
let llama: Server;
let llamaURL: string;
let probes = 0;
let answer: (() => void)[] = [];
beforeAll(async () => {
  llama = createServer((req, res) => {
    if (req.url === '/health') {
      probes++;
      // Held until the test lets it answer, so that concurrent requests overlap.
      answer.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => llama.listen(0, '127.0.0.1', resolve));
  llamaURL = `http://127.0.0.1:${(llama.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise((resolve) => llama.close(resolve)));

describe('the dashboard: probes need the token and are shared', () => {
  it(
    'GET /api/health without the token is refused before any provider is called; 50 concurrent requests make one probe',
    { timeout: 60_000 },
    async () => {
      const controller = new AbortController();
      let printed = '';
      const stdout = { write: (text: string) => ((printed += text), true) } as NodeJS.WritableStream;
      const running = dashboardCommand(
        {
          port: '0',
          token: 'probe-token-1234',
          config: async () => ({ llm: { provider: 'llama-cpp', baseURL: llamaURL } }),
          timeoutMs: 10_000,
        },
        { stdout, stderr: stdout, env: {} },
        controller.signal,
      );
      try {
        await expect.poll(() => /Dashboard: (\S+)#token=/.exec(printed)?.[1], { timeout: 10_000 }).toBeDefined();
        const url = /Dashboard: (\S+)#token=/.exec(printed)![1]!;
        const anonymous = await fetch(`${url}api/health`);
        expect(anonymous.status).toBe(401);
        expect(((await anonymous.json()) as { error: string }).error).toBe(
          'Failed to probe the providers: no token. Fix: send "Authorization: Bearer <token>" (printed when the dashboard started).',
        );
        expect((await fetch(`${url}api/health`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
        expect(probes).toBe(0);

        // Each on its own connection; the provider answers once every request has been sent: each arrives while the probe
        // runs or within HEALTH_REUSE_MS after it.
        const requests = Array.from({ length: 50 }, () => send(`${url}api/health`, { authorization: 'Bearer probe-token-1234' }));
        const reports = requests.map(({ answer: reply }) => reply.then((response) => JSON.parse(response.body) as unknown));
        await Promise.all(requests.map(({ sent }) => sent));
        await expect.poll(() => answer.length, { timeout: 30_000 }).toBe(1); // the first probe builds a stack: seconds on a loaded machine
        for (const release of answer.splice(0)) release();
        const answered = (await Promise.all(reports)) as { ok: boolean }[];
        expect(answered[0]).toMatchObject({ ok: true });
        expect(new Set(answered.map((report) => JSON.stringify(report))).size).toBe(1); // one report, shared
        expect(probes).toBe(1);
      } finally {
        controller.abort();
        await running;
        answer = [];
      }
    },
  );
});

describe('the dashboard: Host checked on every bind, no framing', () => {
  it('bound to 0.0.0.0, only the allowed names are served (DNS rebinding reads nothing)', async () => {
    const dashboard = await startDashboard({ store: createMemoryStore(), port: 0, host: '0.0.0.0', allowedHosts: ['dash.internal'] });
    try {
      const port = new URL(dashboard.url).port;
      const state = `http://127.0.0.1:${port}/api/state`;
      expect((await get(state, { host: `evil.example:${port}` })).status).toBe(403);
      expect((await get(state, { host: `dash.internal:${port}` })).status).toBe(200);
      expect((await get(state, { host: `127.0.0.1:${port}` })).status).toBe(200);
    } finally {
      await dashboard.close();
    }
    await expect(startDashboard({ store: createMemoryStore(), port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /binding 0\.0\.0\.0 needs the host names it is opened under\. Fix: pass allowedHosts \(--allow-host/,
    );
    const cli = await runCliInProcess(['dashboard', '--host', '0.0.0.0', '--port', '0']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--allow-host/);
  });

  it('bound to one address, that address is served and other names are refused', async () => {
    const dashboard = await startDashboard({ store: createMemoryStore(), port: 0, host: '127.0.0.2' });
    try {
      const port = new URL(dashboard.url).port;
      expect((await get(`http://127.0.0.2:${port}/api/state`)).status).toBe(200);
      expect((await get(`http://127.0.0.2:${port}/api/state`, { host: 'rebound.example' })).status).toBe(403);
    } finally {
      await dashboard.close();
    }
  });

  it('every answer forbids framing (CSP frame-ancestors and X-Frame-Options)', async () => {
    const dashboard = await startDashboard({ store: createMemoryStore(), port: 0 });
    try {
      for (const path of ['', 'api/state', 'api/nothing']) {
        const { headers } = await get(`${dashboard.url}${path}`);
        expect(headers['x-frame-options']).toBe('DENY');
        expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      }
    } finally {
      await dashboard.close();
    }
  });
});

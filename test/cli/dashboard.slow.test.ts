import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromium } from 'playwright-core';
import { createRedisStore, type StateStore } from '../../src/index.js';
import { appendFleetLog, FLEET_KEYS, type ModeRecord, type RolloutRecord } from '../../src/state/fleet-state.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { mockOpenAIRealtime, type MockOpenAIRealtime } from '../../src/testing/index.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = ['dash', 'token', 'for', 'tests', '7'].join('-');

let redis: RedisServer;
let store: StateStore;
let dashboard: ChildProcess;
let url: string;
let browser: Browser;
let realtime: MockOpenAIRealtime;
let dir: string;

/** Runs `livekit-voice-stack dashboard` in its own process, as on-call would; resolves with the URL it prints. */
function startDashboardProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'dashboard', ...args], {
    cwd: root,
    env: { ...process.env, OPENAI_API_KEY: '', LLM_MODEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /Dashboard: (http:\/\/\S+?)#token=/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) => reject(new Error(`dashboard exited with ${code}: ${err}`)));
  });
}

beforeAll(async () => {
  redis = await startRedisServer();
  store = await createRedisStore({ url: redis.url });
  const now = Date.now();
  await store.set(FLEET_KEYS.mode, { mode: 'pipeline', at: now - 60_000, by: 'cli' } satisfies ModeRecord, 900_000);
  await store.set(FLEET_KEYS.rollout, { percent: { realtime: 10 }, at: now } satisfies RolloutRecord, 900_000);
  await store.set(FLEET_KEYS.modes, ['pipeline', 'realtime'], 900_000);
  await store.set(`${FLEET_KEYS.callPrefix}pipeline:call-1`, { mode: 'pipeline', startedAt: now }, 900_000);
  await store.set(`${FLEET_KEYS.callPrefix}pipeline:call-2`, { mode: 'pipeline', startedAt: now }, 900_000);
  await store.set(`${FLEET_KEYS.callPrefix}realtime:call-3`, { mode: 'realtime', startedAt: now }, 900_000);
  await store.set(
    `${FLEET_KEYS.optionPrefix}openrouter/meta-llama/llama-3.3-70b-instruct:free`,
    {
      label: 'openrouter/meta-llama/llama-3.3-70b-instruct:free',
      modality: 'llm',
      state: 'cooling',
      reason: 'rate_limit',
      status: 429,
      until: now + 600_000,
    },
    900_000,
  );
  // One option, two writers: its chain's cooldown (cooling) and the fleet log's status (demoted after a 401).
  await store.set(
    `${FLEET_KEYS.optionPrefix}llm:openai/gpt-4.1-mini@default#env`,
    { label: 'openai/gpt-4.1-mini', modality: 'llm', state: 'cooling', reason: 'rate_limit', status: 429, until: now + 120_000 },
    900_000,
  );
  await store.set(
    `${FLEET_KEYS.optionPrefix}llm:openai/gpt-4.1-mini`,
    { label: 'openai/gpt-4.1-mini', modality: 'llm', state: 'demoted', reason: 'auth', status: 401, until: now + 300_000 },
    900_000,
  );
  await appendFleetLog(store, { kind: 'mode-fallback', from: 'realtime', to: 'pipeline', reason: 'Realtime handshake refused: HTTP 429' });
  await appendFleetLog(store, { kind: 'apology', modality: 'llm', from: 'openai-realtime/gpt-realtime', reason: 'rate_limit_exceeded' });
  // The config whose options "Check health" probes: the realtime mode, against the Realtime protocol mock.
  realtime = await mockOpenAIRealtime({ apiKey: 'sk-dashboard-health-1' });
  dir = await mkdtemp(join(tmpdir(), 'dashboard-'));
  const config = join(dir, 'realtime.json');
  await writeFile(
    config,
    JSON.stringify({ llm: { provider: 'openai-realtime', baseURL: realtime.baseURL, apiKey: 'sk-dashboard-health-1' } }),
  );
  ({ child: dashboard, url } = await startDashboardProcess(['--redis', redis.url, '--port', '0', '--token', TOKEN, '--config', config]));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  dashboard?.kill('SIGTERM');
  await store?.close();
  await redis?.stop();
  await realtime?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('livekit-voice-stack dashboard, in a headless Chromium, over a real Redis', () => {
  it('renders the state another process put in the store: mode, rollout, calls per mode, a cooling option, the fleet log', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      await page.goto(`${url}#token=${TOKEN}`);
      await expect.poll(() => page.textContent('#mode')).toBe('pipeline');
      expect(await page.textContent('#rollout')).toContain('realtime10 %');
      const calls = await page.$$eval('#calls tr', (rows) => rows.map((row) => row.textContent));
      expect(calls.sort()).toEqual(['pipeline2', 'realtime1']);
      const option = await page.textContent('#options');
      expect(option).toContain('openrouter/meta-llama/llama-3.3-70b-instruct:free (llm)');
      expect(option).toMatch(/cooling\s*rate_limit\s*429\s*(9|10) min/);
      // One row per option, with every state it is in.
      const rows = await page.$$eval('#options tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
      expect(rows.filter((row) => row.includes('openai/gpt-4.1-mini'))).toEqual([
        expect.stringMatching(/^openai\/gpt-4\.1-mini \(llm\)cooling \+ demotedauth401(4|5) min$/),
      ]);
      const log = await page.textContent('#log');
      expect(log).toContain('apology');
      expect(log).toContain('Realtime handshake refused: HTTP 429');
      expect(page.url()).not.toContain(TOKEN); // the token leaves the address bar once read
      if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('a mode switch and a rollout from the page reach the store, and the page shows them', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${url}#token=${TOKEN}`);
      await page.fill('#mode-input', 'realtime');
      await page.click('#mode-form button');
      await expect.poll(() => store.get<ModeRecord>(FLEET_KEYS.mode)?.mode).toBe('realtime');
      expect(store.get<ModeRecord>(FLEET_KEYS.mode)?.by).toBe('dashboard');
      await expect.poll(() => page.textContent('#mode')).toBe('realtime');
      await page.fill('#rollout-mode', 'realtime');
      await page.fill('#rollout-percent', '50');
      await page.click('#rollout-form button');
      await expect.poll(() => store.get<RolloutRecord>(FLEET_KEYS.rollout)?.percent).toEqual({ realtime: 50 });
      await expect
        .poll(() => store.range<{ kind: string }>(FLEET_KEYS.log).map((entry) => entry.kind))
        .toEqual(expect.arrayContaining(['mode', 'rollout']));
    } finally {
      await page.close();
    }
  });

  it('refuses writes without the token (401) or with a wrong one (403); the page says so and the store is unchanged', async () => {
    const before = store.get<ModeRecord>(FLEET_KEYS.mode)?.mode;
    const context = await browser.newContext(); // no token in this browser's session storage
    const page = await context.newPage();
    try {
      await page.goto(url);
      await page.fill('#mode-input', 'pipeline');
      await page.click('#mode-form button');
      await expect.poll(() => page.textContent('#message')).toMatch(/no token/);
      await page.fill('#token-input', 'not-the-token');
      await page.click('#token-form button');
      await page.click('#mode-form button');
      await expect.poll(() => page.textContent('#message')).toMatch(/wrong token/);
      const statuses = await page.evaluate(async () => {
        const post = (headers: Record<string, string>) =>
          fetch('/api/rollout', {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: '{"mode":"realtime","percent":100}',
          });
        return [(await post({})).status, (await post({ authorization: 'Bearer nope' })).status];
      });
      expect(statuses).toEqual([401, 403]);
      expect(store.get<ModeRecord>(FLEET_KEYS.mode)?.mode).toBe(before);
      expect(store.get<RolloutRecord>(FLEET_KEYS.rollout)?.percent.realtime).not.toBe(100);
    } finally {
      await context.close();
    }
  });

  it('probes the options on demand: "Check health" runs the doctor probe (a real Realtime handshake)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${url}#token=${TOKEN}`);
      await page.click('#health-button');
      await expect.poll(() => page.textContent('#health'), { timeout: 15_000 }).toMatch(/llmopenai-realtime\/gpt-realtimeok\d+ ms/);
      expect(realtime.handshakes.length).toBeGreaterThanOrEqual(1);
    } finally {
      await page.close();
    }
  });

  it('a page on another origin cannot set off probes (an <img> of /api/health) nor frame the dashboard', async () => {
    const before = realtime.handshakes.length;
    const { createServer } = await import('node:http');
    const evil = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(
        `<img id="probe" src="${url}api/health" onerror="document.title='img done'" onload="document.title='img done'">` +
          `<iframe id="frame" src="${url}"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      // Another origin: another port of the same address.
      await page.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
      await expect.poll(() => page.title()).toBe('img done');
      const framed = page.frames().find((frame) => frame.url().startsWith(url));
      expect(await framed?.$('#mode').catch(() => null)).toBeFalsy(); // the browser refused to render it in the frame
      const direct = await fetch(`${url}api/health`);
      expect(direct.status).toBe(401);
      expect(realtime.handshakes.length).toBe(before);
    } finally {
      await page.close();
      await new Promise((resolve) => evil.close(resolve));
    }
  });

  it('says which mode new calls get while none is set', async () => {
    await store.delete(FLEET_KEYS.mode);
    await store.set(FLEET_KEYS.configuredMode, 'pipeline', 900_000);
    const page = await browser.newPage();
    try {
      await page.goto(url);
      await expect.poll(() => page.textContent('#mode-meta')).toBe('not set: new calls get pipeline, the controllers’ mode option');
    } finally {
      await page.close();
    }
  });

  it('answers scripts: GET /api/state as JSON, a bad body with the fix, and a foreign Host refused', async () => {
    const state = (await (await fetch(`${url}api/state`)).json()) as { store: string; activeCalls: Record<string, number> };
    expect(state.store).toBe('redis');
    expect(state.activeCalls).toEqual({ pipeline: 2, realtime: 1 });
    const bad = await fetch(`${url}api/rollout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"mode":"realtime","percent":150}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/Failed to set the rollout: .*0 to 100\. Fix:/);
    const unknown = await fetch(`${url}api/mode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"mode":"turbo"}',
    });
    expect(((await unknown.json()) as { error: string }).error).toBe(
      'Failed to set the mode: unknown mode "turbo". Fix: use one of "pipeline", "realtime".',
    );
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}api/state`, { headers: { host: 'evil.example:80' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

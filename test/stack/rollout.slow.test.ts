import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromium } from 'playwright-core';
import { startDashboard } from '../../src/cli/dashboard.js';
import { createMachineStore, createModeController } from '../../src/index.js';
import type { FleetMetricsReport } from '../../src/stack/fleet-metrics-report.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

// A 10 % rollout: the controller sends one call in ten to "candidate" (its LLM 300 ms slower); both modes' figures and
// the verdict then show in `livekit-voice-stack metrics` and in the dashboard's "Modes compared" panel (headless Chromium).
const current = mockOpenAIEndpoint({ baseURL: 'http://current.test/v1', reply: 'Current.' });
const candidate = mockOpenAIEndpoint({ baseURL: 'http://candidate.test/v1', reply: 'Candidate.' });
useMswServer(...current.handlers, ...candidate.handlers);

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

describe('a 10 % rollout, compared', () => {
  it('shows both modes and the verdict in the CLI and the dashboard', async () => {
    current.use({ delayMs: 20 });
    candidate.use({ delayMs: 320 });
    // The machine store the CLI reads by default (this test's LIVEKIT_VOICE_STACK_STATE_DIR).
    const store = createMachineStore();
    const llm = (baseURL: string, model: string) => ({ llm: { provider: 'openai-compatible' as const, baseURL, model } });
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const controller = createModeController({
      modes: { current: llm('http://current.test/v1', 'current-model'), candidate: llm('http://candidate.test/v1', 'candidate-model') },
      mode: 'current',
      store,
      createOptions: { logger: quiet },
    });
    await controller.setRollout({ candidate: 10 });
    const modes: string[] = [];
    try {
      // At least 60 calls, and until 6 have landed on the candidate (12 turns: enough for --min-turns 10).
      for (let index = 0; index < 60 || modes.filter((mode) => mode === 'candidate').length < 6; index++) {
        const call = await controller.stackForCall(`call-${index}`);
        modes.push(call.mode);
        const session = await startTextSession(call.stack);
        call.bind(session.session);
        await session.ask('Hello?');
        await session.ask('Are you open today?');
        await session.close();
      }
    } finally {
      await controller.close(); // closes the stacks: their last counts are flushed
    }
    const onCandidate = modes.filter((mode) => mode === 'candidate').length;
    const calls = modes.length;
    expect(onCandidate / calls).toBeGreaterThan(0.03);
    expect(onCandidate / calls).toBeLessThan(0.2);

    const cli = await runCliInProcess(['metrics', '--json', '--min-turns', '10']);
    expect(cli.stderr).toBe('');
    const report = JSON.parse(cli.stdout) as FleetMetricsReport;
    expect(report.modes.current).toMatchObject({ calls: calls - onCandidate, turns: 2 * (calls - onCandidate) });
    expect(report.modes.candidate).toMatchObject({ calls: onCandidate, turns: 2 * onCandidate });
    expect(report.options.candidate!['openai-compatible/candidate-model']).toMatchObject({ modality: 'llm', turns: 2 * onCandidate });
    expect(report.verdicts[0]).toMatchObject({ baseline: 'current', candidate: 'candidate', status: 'ready', slower: 'candidate' });

    const text = await runCliInProcess(['metrics', '--min-turns', '10']);
    expect(text.stdout).toMatch(/^current\s+\d+\s+\d+/m);
    expect(text.stdout).toMatch(/^candidate\s+\d+\s+\d+/m);
    expect(text.stdout).toContain('openai-compatible/candidate-model');
    expect(text.stdout).toMatch(/Verdict \(95 % intervals\):\n {2}candidate is slower than current: candidate end-to-end p50 \+\d+ ms/);

    const dashboard = await startDashboard({ store, port: 0 });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(`${dashboard.url}?minTurns=10`);
      await expect.poll(() => page.$$eval('#modes tr', (rows) => rows.length), { timeout: 15_000 }).toBe(2);
      const rows = await page.$$eval('#modes tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      expect(rows.map((row) => row[0]).sort()).toEqual(['candidate', 'current']);
      const candidateRow = rows.find((row) => row[0] === 'candidate')!;
      expect(candidateRow.slice(1, 3)).toEqual([String(onCandidate), String(2 * onCandidate)]);
      expect(candidateRow[6]).toMatch(/^\d+ \/ \d+ ms$/); // LLM TTFT p50 / p95
      expect(await page.textContent('#verdicts')).toMatch(
        /^candidate is slower than current: candidate end-to-end p50 \+\d+ ms \(95 % interval/,
      );
      expect(await page.textContent('#option-rows')).toContain('openai-compatible/current-model');
      if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
      await dashboard.close();
      await store.close();
    }
  }, 600_000);
});

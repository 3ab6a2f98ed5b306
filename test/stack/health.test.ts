import { describe, expect, it, vi } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import { mockOpenAIEndpoint } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', auth: { bearer: 'sk-openai-secret-1234' } });
const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', auth: { bearer: 'sk-or-secret-5678' } });
const vllm = mockOpenAIEndpoint({ baseURL: 'http://vllm.internal:8000/v1' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', llamaCpp: true });
const gateway = mockOpenAIEndpoint({
  baseURL: 'https://agent-gateway.livekit.cloud/v1',
  auth: { livekit: { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' } },
});
useMswServer(...openai.handlers, ...openrouter.handlers, ...vllm.handlers, ...llama.handlers, ...gateway.handlers);

const ENV = {
  OPENAI_API_KEY: 'sk-openai-secret-1234',
  OPENROUTER_API_KEY: 'sk-or-secret-5678',
  LIVEKIT_API_KEY: 'lk-key',
  LIVEKIT_API_SECRET: 'lk-secret-0123456789',
};

const everyKind = {
  llm: [
    { provider: 'inference', model: 'openai/gpt-4.1-mini' },
    { provider: 'openai', model: 'gpt-4.1-mini' },
    { provider: 'openrouter', models: ['meta-llama/llama-3.3-70b-instruct:free', 'qwen/qwen-2.5-72b-instruct:free'] },
    { provider: 'openai-compatible', baseURL: 'http://vllm.internal:8000/v1', model: 'qwen3-8b' },
    { provider: 'llama-cpp' },
  ],
} as const;

function resetAll() {
  for (const endpoint of [openai, openrouter, vllm, llama, gateway]) endpoint.reset();
}

describe('stack.health()', () => {
  it('probes every LLM option kind for real, in chain order', async () => {
    resetAll();
    const stack = await createVoiceStack(everyKind as never, { env: ENV });
    try {
      const report = await stack.health();
      expect(report.ok).toBe(true);
      expect(report.slots).toEqual({ llm: 'ok' });
      expect(report.results.map(({ provider, model, ok, status }) => ({ provider, model, ok, status }))).toEqual([
        { provider: 'inference', model: 'openai/gpt-4.1-mini', ok: true, status: 'ok' },
        { provider: 'openai', model: 'gpt-4.1-mini', ok: true, status: 'ok' },
        { provider: 'openrouter', model: 'meta-llama/llama-3.3-70b-instruct:free', ok: true, status: 'ok' },
        { provider: 'openrouter', model: 'qwen/qwen-2.5-72b-instruct:free', ok: true, status: 'ok' },
        { provider: 'openai-compatible', model: 'qwen3-8b', ok: true, status: 'ok' },
        { provider: 'llama-cpp', model: 'local', ok: true, status: 'ok' },
      ]);
      for (const result of report.results) expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      // What each probe sent: a 1-token completion, llama.cpp's /health, the gateway's /models with a signed token.
      expect(openai.chatRequests('gpt-4.1-mini')[0]?.body).toMatchObject({ max_completion_tokens: 1 });
      expect(openrouter.chatRequests().map((request) => request.model)).toEqual([
        'meta-llama/llama-3.3-70b-instruct:free',
        'qwen/qwen-2.5-72b-instruct:free',
      ]);
      expect(openrouter.chatRequests()[0]?.headers['x-title']).toBe('livekit-voice-stack');
      expect(vllm.chatRequests('qwen3-8b')[0]?.body).toMatchObject({ max_tokens: 1 });
      expect(llama.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /health']);
      expect(gateway.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
    } finally {
      await stack.close();
    }
  });

  it('reports failures with the reason, never a secret, and fails a slot only when every option failed', async () => {
    resetAll();
    openrouter.use({ model: 'qwen/qwen-2.5-72b-instruct:free', status: 429, message: 'Rate limited for key sk-or-secret-5678' });
    llama.health = 'loading';
    vllm.use({ delayMs: 500 });
    const stack = await createVoiceStack(everyKind as never, { env: { ...ENV, LIVEKIT_API_SECRET: 'wrong-secret-000000' } });
    try {
      const report = await stack.health({ timeoutMs: 150 });
      const byLabel = Object.fromEntries(report.results.map((result) => [`${result.provider}/${result.model}`, result]));
      expect(byLabel['inference/openai/gpt-4.1-mini']).toMatchObject({
        ok: false,
        status: 'failed',
        error: 'HTTP 401: Invalid authentication credentials',
      });
      expect(byLabel['openrouter/qwen/qwen-2.5-72b-instruct:free']).toMatchObject({
        ok: false,
        error: 'HTTP 429: Rate limited for key ••••',
      });
      expect(byLabel['llama-cpp/local']).toMatchObject({ ok: false, error: 'HTTP 503: Loading model' });
      expect(byLabel['openai-compatible/qwen3-8b']).toMatchObject({ ok: false, error: 'timed out after 150 ms' });
      expect(byLabel['openai/gpt-4.1-mini']).toMatchObject({ ok: true });
      expect(report.ok).toBe(true); // openai still answers
      expect(JSON.stringify(report)).not.toMatch(/sk-or-secret|wrong-secret|sk-openai-secret/);
    } finally {
      await stack.close();
    }
  });

  it('fails the report when every option of a slot failed', async () => {
    resetAll();
    llama.health = 'error';
    const stack = await createVoiceStack({ llm: { provider: 'llama-cpp' } });
    try {
      const report = await stack.health();
      expect(report).toMatchObject({ ok: false, slots: { llm: 'failed' } });
      expect(report.results[0]?.error).toBe('HTTP 500: Model failed to load');
    } finally {
      await stack.close();
    }
  });

  // msw 2's mocked responses (the peer range allows it) have a body whose cancel() never settles: a probe that
  // awaited it reported "timed out" for a server that had answered 200.
  it('a 200 whose body never finishes cancelling is healthy (msw 2 responses)', async () => {
    resetAll();
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
      const response = await realFetch(...args);
      const body = new ReadableStream({ cancel: () => new Promise<void>(() => undefined) });
      return new Response(body, { status: response.status, headers: response.headers });
    });
    const stack = await createVoiceStack({ llm: { provider: 'llama-cpp' } });
    try {
      const report = await stack.health({ timeoutMs: 500 });
      expect(report.results.map(({ ok, status, error }) => ({ ok, status, error }))).toEqual([
        { ok: true, status: 'ok', error: undefined },
      ]);
      expect(llama.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /health']);
    } finally {
      vi.unstubAllGlobals();
      await stack.close();
    }
  });

  it('skips what it cannot probe, without failing the slot', async () => {
    resetAll();
    const inner = await createVoiceStack({ llm: { provider: 'llama-cpp' } });
    const stack = await createVoiceStack({ llm: inner.llm! });
    try {
      const report = await stack.health();
      expect(report).toMatchObject({ ok: true, slots: { llm: 'unknown' } });
      expect(report.results[0]).toMatchObject({
        status: 'skipped',
        ok: false,
        latencyMs: undefined,
        error: 'not probed: a ready LiveKit instance',
      });
      expect(llama.requests).toHaveLength(0);
    } finally {
      await stack.close();
      await inner.close();
    }
  });
});

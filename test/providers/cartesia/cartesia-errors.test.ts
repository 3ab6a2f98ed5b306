import { WebSocket } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';
import { classifyError } from '../../../src/policies/classify-error.js';
import { mockCartesiaTTS, type MockCartesiaTTS } from '../../../src/testing/index.js';
import { useMswServer } from '../../helpers/msw.js';

const KEY = 'sk_car_' + 'errors_test_0001';
// The version the LiveKit Cartesia plugin (1.9) sends with every TTS request (its tts.ts `API_VERSION`).
const PLUGIN_VERSION = '2025-04-16';
const STRUCTURED_VERSION = '2026-03-01';

let cartesia: MockCartesiaTTS;
const server = useMswServer();
beforeAll(async () => {
  cartesia = await mockCartesiaTTS({ apiKey: KEY });
});
beforeEach(() => void server.use(...cartesia.handlers));
afterAll(() => cartesia.close());

async function errorEvent(version: string): Promise<Record<string, unknown>> {
  cartesia.use({
    error: true,
    errorCode: 429,
    code: 'concurrency_limited',
    message: "You have exceeded your plan's concurrency limit.",
    times: 1,
  });
  const socket = new WebSocket(`${cartesia.baseURL.replace(/^http/, 'ws')}/tts/websocket`, {
    headers: { 'x-api-key': KEY, 'cartesia-version': version },
  });
  try {
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    socket.send(JSON.stringify({ context_id: 'ctx-1', transcript: 'Hello.', continue: false, model_id: 'sonic-2', voice: { id: 'v' } }));
    return await new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
  } finally {
    socket.close();
  }
}

describe('Cartesia errors in the format of the API version the client sends', () => {
  it('HTTP: the plugin’s version gets plain text `Title: Message`; 2026-03-01 the structured JSON object', async () => {
    const ask = async (version: string) => {
      cartesia.use({ status: 429, message: "You have exceeded your plan's concurrency limit.", times: 1 });
      const response = await fetch(`${cartesia.baseURL}/tts/bytes`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'cartesia-version': version, 'content-type': 'application/json' },
        body: JSON.stringify({ transcript: 'Hi', model_id: 'sonic-2' }),
      });
      return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
    };
    expect(await ask(PLUGIN_VERSION)).toEqual({
      status: 429,
      type: 'text/plain; charset=utf-8',
      body: "Too many concurrent requests: You have exceeded your plan's concurrency limit.",
    });
    const structured = await ask(STRUCTURED_VERSION);
    expect(structured.status).toBe(429);
    expect(JSON.parse(structured.body)).toEqual({
      error_code: 'concurrency_limited',
      title: 'Too many concurrent requests',
      message: "You have exceeded your plan's concurrency limit.",
      request_id: expect.any(String),
    });
  });

  it('WebSocket: the plugin’s version gets the legacy error event `{ type, done, status_code, error, context_id }`', async () => {
    expect(await errorEvent(PLUGIN_VERSION)).toEqual({
      type: 'error',
      done: true,
      status_code: 429,
      error: "You have exceeded your plan's concurrency limit.",
      context_id: 'ctx-1',
    });
    expect(await errorEvent(STRUCTURED_VERSION)).toMatchObject({
      type: 'error',
      done: true,
      status_code: 429,
      error_code: 'concurrency_limited',
      title: 'Too many concurrent requests',
      message: "You have exceeded your plan's concurrency limit.",
      context_id: 'ctx-1',
    });
  });

  it('the stack classifies both: a plain-text health error and a legacy in-band 429 name the status and the provider’s message', async () => {
    const stack = await createVoiceStack(
      { tts: { provider: 'cartesia', baseURL: cartesia.baseURL, apiKey: 'sk_car_wrong_0000' } },
      { env: {} },
    );
    try {
      const report = await stack.health();
      expect(report.results[0]).toMatchObject({ ok: false, error: 'HTTP 401: Unauthorized: invalid API key' });
    } finally {
      await stack.close();
    }
    const responses = { last: { inBand: true, status: 429, message: "You have exceeded your plan's concurrency limit.", at: Date.now() } };
    const classified = classifyError(new Error('the stream ended without audio'), {
      modality: 'tts',
      label: 'cartesia/sonic-2',
      option: { responses, source: undefined } as never,
    });
    expect(classified).toMatchObject({ category: 'rate_limit', statusCode: 429 });
    expect(classified.message).toContain('concurrency limit');
  });
});

import { PassThrough } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { voice } from '@livekit/agents';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, createModeController, createVoiceStack, type ModeFallbackEvent, type VoiceStack } from '../../../src/index.js';
import { main } from '../../../src/cli/index.js';
import { mockOpenAIEndpoint, mockOpenAIRealtime, type MockOpenAIRealtime, startTextSession } from '../../../src/testing/index.js';
import { useMswServer } from '../../helpers/msw.js';
import { startEndlessRefusal } from '../../helpers/endless-refusal.js';
import { recordEvents, recordingLogger } from '../../helpers/recorders.js';

const KEY = ['sk', 'realtime', 'outside', '0042'].join('-');
const WRONG_KEY = ['sk', 'wrong', 'realtime', 'key', '0077'].join('-');
const pipeline = mockOpenAIEndpoint({ baseURL: 'http://pipeline.test/v1', reply: 'From the pipeline.' });
useMswServer(...pipeline.handlers);

let realtime: MockOpenAIRealtime;
let inBand: MockOpenAIRealtime;
const stacks: VoiceStack[] = [];
beforeAll(async () => {
  realtime = await mockOpenAIRealtime({ apiKey: KEY });
  inBand = await mockOpenAIRealtime({ apiKey: KEY, wrongKey: 'in-band' });
});
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((stack) => stack.close()));
  realtime.reset();
  inBand.reset();
});
afterAll(async () => {
  await realtime.close();
  await inBand.close();
});

async function realtimeStack(baseURL: string, apiKey = KEY, logger = recordingLogger()): Promise<VoiceStack> {
  const stack = await createVoiceStack({ llm: { provider: 'openai-realtime', baseURL, apiKey } }, { env: {}, logger });
  stacks.push(stack);
  return stack;
}

async function doctor(baseURL: string, apiKey: string): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'realtime-doctor-'));
  try {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ llm: { provider: 'openai-realtime', baseURL, apiKey } }));
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk) => (out += chunk));
    const code = await main(['doctor', '--config', file, '--json'], {
      stdout: stdout as never,
      stderr: new PassThrough() as never,
      env: {},
    });
    return { code, out };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('a wrong key the service refuses in-band (upgrade accepted, `invalid_api_key`, close 3000)', () => {
  it('fails doctor, naming the code and the provider’s message without the key', async () => {
    const { code, out } = await doctor(inBand.baseURL, WRONG_KEY);
    expect(code).toBe(1);
    const result = (JSON.parse(out) as { results: { ok: boolean; error?: string }[] }).results[0]!;
    expect(result).toMatchObject({ ok: false });
    expect(result.error).toMatch(/refused the session: invalid_api_key: Incorrect API key provided/);
    expect(out).not.toContain(WRONG_KEY);
    expect(out).not.toContain('WRONG_KEY'.slice(-4) + '.'); // nor the part OpenAI echoes
    expect(inBand.handshakes.map((handshake) => handshake.status)).toEqual([3000]);
  });

  it('sends the call to the fallback mode at the start of the call; the right key still gets Realtime', async () => {
    const fallbacks: ModeFallbackEvent[] = [];
    const modes = (apiKey: string) => ({
      realtime: { llm: { provider: 'openai-realtime' as const, baseURL: inBand.baseURL, apiKey } },
      pipeline: { llm: { provider: 'openai-compatible' as const, baseURL: 'http://pipeline.test/v1', model: 'pipeline-model' } },
    });
    for (const apiKey of [WRONG_KEY, KEY]) {
      const controller = createModeController({
        modes: modes(apiKey),
        mode: 'realtime',
        fallbackMode: 'pipeline',
        store: createMemoryStore(),
        createOptions: { env: {}, logger: recordingLogger() },
      });
      controller.on('fallback', (event) => fallbacks.push(event));
      try {
        const call = await controller.stackForCall();
        expect(call.mode).toBe(apiKey === KEY ? 'realtime' : 'pipeline');
        const { llm, connOptions } = call.stack.sessionOptions();
        const session = call.bind(new voice.AgentSession({ llm: llm!, connOptions, vad: null, turnHandling: { turnDetection: null } }));
        await session.start({ agent: new voice.Agent({ instructions: 'Be brief.' }) });
        const result = await session.run({ userInput: 'Hello?' }).wait();
        const reply = result.events.flatMap((event) =>
          event.type === 'message' && event.item.role === 'assistant' ? [event.item.textContent] : [],
        );
        expect(reply).toEqual([apiKey === KEY ? 'Hello from the realtime mock.' : 'From the pipeline.']);
        await session.close();
      } finally {
        await controller.close();
      }
    }
    expect(fallbacks).toHaveLength(1);
    expect(String(fallbacks[0]!.error)).toMatch(
      /Realtime session: openai-realtime\/gpt-realtime: .*invalid_api_key: Incorrect API key provided/,
    );
    expect(String(fallbacks[0]!.error)).not.toContain(WRONG_KEY);
  });
});

describe('bytes from the Realtime server are bounded and parsed defensively', () => {
  it('a 503 with an endless body: the probe and the call’s connection read a few KB and fail as HTTP 503', async () => {
    const LIMIT = 64 * 1024 * 1024;
    const server = await startEndlessRefusal({ status: 503, limit: LIMIT });
    try {
      const stack = await realtimeStack(`${server.origin}/v1`);
      const recorded = recordEvents(stack);
      const report = await stack.health({ timeoutMs: 20_000 });
      expect(report.results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^HTTP 503: overloaded/) });
      expect(report.results[0]!.error!.length).toBeLessThan(300);

      const session = await startTextSession(stack);
      try {
        await expect.poll(() => recorded.of('exhausted').length, { timeout: 15_000 }).toBeGreaterThan(0);
      } finally {
        await session.close();
      }
      expect(recorded.of('exhausted')[0]!.errors[0]).toMatchObject({ statusCode: 503, category: 'server' });
      // Each connection stopped reading long before the body ended (a few MB at most sit in the sockets' buffers).
      expect(server.sent.length).toBeGreaterThanOrEqual(2);
      for (const connection of server.sent) {
        expect(connection.finished).toBe(false);
        expect(connection.bytes).toBeLessThan(LIMIT / 4);
      }
    } finally {
      await server.close();
    }
  });

  it('malformed frames mid-response (not JSON, null, an audio delta that is not base64 …) are dropped: no uncaught exception, the reply arrives', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const logger = recordingLogger();
    const stack = await realtimeStack(realtime.baseURL, KEY, logger);
    const session = await startTextSession(stack);
    try {
      realtime.use({
        rawFrames: [
          'not json',
          'null',
          '[]',
          '{"type":5}',
          '{"type":"response.output_audio.delta","item_id":"item_x","delta":"%%%not base64"}',
          '{"type":"conversation.item.added"}',
          '{"type":"error","error":null}',
          '{"type":"response.done","response":"done"}',
        ],
        times: 1,
      });
      expect((await session.ask('Hello?')).text).toBe('Hello from the realtime mock.');
      expect((await session.ask('Again?')).text).toBe('Hello from the realtime mock.');
      expect(uncaught).toEqual([]);
      expect(logger.messages('warn').filter((message) => message.includes('malformed event'))).toHaveLength(8);
    } finally {
      process.off('uncaughtException', onUncaught);
      await session.close();
    }
  });
});

describe('the Realtime mock ends a cancelled response as the service does', () => {
  it('response.cancel: `response.done` with status `cancelled` and what was said so far, no more audio', async () => {
    realtime.use({ reply: 'one two three four five six seven eight nine ten', audioMs: 2_000, chunkDelayMs: 20, times: 1 });
    const socket = new WebSocket(`${realtime.baseURL.replace(/^http/, 'ws')}/realtime?model=gpt-realtime`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const events: {
      type: string;
      response?: { status: string; status_details: unknown; output: { content: { transcript: string }[] }[] };
    }[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on('message', (data) => {
          const event = JSON.parse(String(data)) as (typeof events)[number];
          events.push(event);
          if (event.type === 'session.created') socket.send(JSON.stringify({ type: 'response.create' }));
          if (event.type === 'response.output_audio.delta' && events.filter((e) => e.type === event.type).length === 2)
            socket.send(JSON.stringify({ type: 'response.cancel' }));
          if (event.type === 'response.done') resolve();
        });
        socket.once('error', reject);
      });
      const done = events.find((event) => event.type === 'response.done')!;
      expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
      expect(done.response!.output[0]!.content[0]!.transcript).not.toBe('one two three four five six seven eight nine ten');
      expect(events.filter((event) => event.type === 'response.output_audio.delta').length).toBeLessThan(10);
      expect(events.map((event) => event.type)).not.toContain('response.output_audio.done');
      expect(realtime.cancelled).toBe(1);

      // With nothing in progress, the service answers an error the plugin ignores ("Cancellation failed …").
      socket.send(JSON.stringify({ type: 'response.cancel' }));
      await expect
        .poll(() => events.at(-1))
        .toMatchObject({ type: 'error', error: { message: expect.stringMatching(/^Cancellation failed/) } });
    } finally {
      socket.close();
    }
  });

  it('an interrupted reply through the session is cut short, and the next turn is answered', async () => {
    const stack = await realtimeStack(realtime.baseURL);
    const session = await startTextSession(stack);
    try {
      realtime.use({ reply: 'one two three four five six seven eight nine ten', audioMs: 10_000, chunkDelayMs: 20, times: 1 });
      const handle = session.session.generateReply({ userInput: 'Count to ten' });
      await expect.poll(() => realtime.connections[0]?.events.some((event) => event.type === 'response.create')).toBe(true);
      await session.session.interrupt();
      await handle.waitForPlayout();
      await expect.poll(() => realtime.cancelled).toBe(1);
      expect((await session.ask('Still there?')).text).toBe('Hello from the realtime mock.');
    } finally {
      await session.close();
    }
  });
});

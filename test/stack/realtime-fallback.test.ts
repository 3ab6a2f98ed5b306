import { voice } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, createModeController, type ModeFallbackEvent } from '../../src/index.js';
import { readFleetState } from '../../src/state/fleet-state.js';
import { mockOpenAIEndpoint, mockOpenAIRealtime, type MockOpenAIRealtime } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const pipeline = mockOpenAIEndpoint({ baseURL: 'http://pipeline.test/v1', reply: 'From the pipeline.' });
useMswServer(...pipeline.handlers);

const KEY = ['sk', 'fallback', 'test', '0099'].join('-');
let realtime: MockOpenAIRealtime;
beforeAll(async () => {
  realtime = await mockOpenAIRealtime({ apiKey: KEY });
});
afterAll(() => realtime.close());

function controllerFor(options: { realtimeCheckMs?: number } = {}) {
  const store = createMemoryStore();
  const controller = createModeController({
    modes: {
      realtime: { llm: { provider: 'openai-realtime', baseURL: realtime.baseURL, apiKey: KEY } },
      pipeline: { llm: { provider: 'openai-compatible', baseURL: 'http://pipeline.test/v1', model: 'pipeline-model' } },
    },
    mode: 'realtime',
    fallbackMode: 'pipeline',
    fallbackForMs: 0, // every call tries realtime again, so each test sees its own handshake
    store,
    createOptions: { env: {} },
    ...options,
  });
  const fallbacks: ModeFallbackEvent[] = [];
  controller.on('fallback', (event) => fallbacks.push(event));
  return { controller, store, fallbacks };
}

/** A call as an agent runs it: the call's stack, a text-mode session, one question. */
async function call(controller: ReturnType<typeof controllerFor>['controller'], question: string) {
  const call = await controller.stackForCall();
  const { llm, connOptions } = call.stack.sessionOptions();
  const session = call.bind(new voice.AgentSession({ llm: llm!, connOptions, vad: null, turnHandling: { turnDetection: null } }));
  await session.start({ agent: new voice.Agent({ instructions: 'Be brief.' }) });
  const result = await session.run({ userInput: question }).wait();
  const reply = result.events
    .flatMap((event) => (event.type === 'message' && event.item.role === 'assistant' ? [event.item.textContent ?? ''] : []))
    .join(' ');
  return { call, session, reply };
}

describe('start-of-call fallback: a realtime mode that cannot start puts the call on the pipeline from its first word', () => {
  it('a refused handshake (429): the call runs on the pipeline; an event, a metric and the fleet log say so', async () => {
    const { controller, store, fallbacks } = controllerFor();
    realtime.use({ status: 429, retryAfter: 20, times: 1 });
    const first = await call(controller, 'Hello?');
    try {
      expect(first.call.mode).toBe('pipeline');
      expect(first.call.fellBackFrom).toBe('realtime');
      expect(first.reply).toBe('From the pipeline.');
      expect(realtime.connections).toHaveLength(0); // the refused mode never reached the call's session
      expect(fallbacks).toEqual([expect.objectContaining({ from: 'realtime', to: 'pipeline', reason: 'realtime' })]);
      expect(String(fallbacks[0]!.error)).toMatch(/Failed to start the "realtime" mode's Realtime session: .*HTTP 429.*Fix:/);
      expect(String(fallbacks[0]!.error)).not.toContain(KEY);
      expect(controller.fallbacksByMode()).toEqual({ realtime: 1 });
      const log = readFleetState(store).log;
      expect(log[0]).toMatchObject({ kind: 'mode-fallback', from: 'realtime', to: 'pipeline', reason: expect.stringMatching(/HTTP 429/) });

      // The next call finds Realtime healthy again and gets it; the first call stays on the pipeline.
      const second = await call(controller, 'And now?');
      expect(second.call.mode).toBe('realtime');
      expect(second.reply).toBe('Hello from the realtime mock.');
      expect((await first.session.run({ userInput: 'Still pipeline?' }).wait()).events.length).toBeGreaterThan(0);
      expect(controller.activeCallsByMode()).toEqual({ pipeline: 1, realtime: 1 });
      await second.session.close();
    } finally {
      await first.session.close();
      await controller.close();
    }
  });

  it('a handshake that does not answer in time and a refused key (401) fall back the same way', async () => {
    const { controller, fallbacks } = controllerFor({ realtimeCheckMs: 300 });
    try {
      realtime.use({ connectDelayMs: 2_000, times: 1 });
      const slow = await call(controller, 'Hi');
      expect(slow.call.mode).toBe('pipeline');
      expect(String(fallbacks[0]!.error)).toMatch(/timed out after 300 ms/);
      await slow.session.close();

      realtime.use({ status: 401, message: 'Incorrect API key provided.', times: 1 });
      const refused = await call(controller, 'Hi again');
      expect(refused.call.mode).toBe('pipeline');
      expect(refused.reply).toBe('From the pipeline.');
      expect(String(fallbacks[1]!.error)).toMatch(/HTTP 401/);
      expect(controller.fallbacksByMode()).toEqual({ realtime: 2 });
      await refused.session.close();
    } finally {
      await controller.close();
    }
  });
});

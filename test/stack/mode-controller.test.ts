import { voice } from '@livekit/agents';
import { eventually } from '../helpers/eventually.js';
import { describe, expect, it, vi } from 'vitest';
import { type CallStack, createMemoryStore, createModeController, type ModeFallbackEvent, VoiceStackError } from '../../src/index.js';
import { VoiceStack } from '../../src/stack/voice-stack.js';
import { mockOpenAIEndpoint } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const cloud = mockOpenAIEndpoint({ baseURL: 'http://cloud.test/v1', reply: 'From the cloud.' });
const local = mockOpenAIEndpoint({ baseURL: 'http://local.test/v1', reply: 'From the local model.' });
const gateway = mockOpenAIEndpoint({
  baseURL: 'https://agent-gateway.livekit.cloud/v1',
  reply: 'From Inference.',
  auth: { livekit: { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' } },
});
useMswServer(...cloud.handlers, ...local.handlers, ...gateway.handlers);

const modes = {
  cloud: { llm: { provider: 'openai-compatible', baseURL: 'http://cloud.test/v1', model: 'cloud-model' } },
  local: { llm: { provider: 'llama-cpp', baseURL: 'http://local.test/v1' } },
  inference: { llm: { provider: 'inference', model: 'openai/gpt-4.1-mini' } },
} as const;

/** A call as an agent runs it: a real text-mode session over the call's stack. */
async function startCall(controller: { stackForCall(): Promise<CallStack> }) {
  const call = await controller.stackForCall();
  const { llm, connOptions } = call.stack.sessionOptions();
  const session = call.bind(new voice.AgentSession({ llm: llm!, connOptions, vad: null, turnHandling: { turnDetection: null } }));
  await session.start({ agent: new voice.Agent({ instructions: 'Be brief.' }) });
  const ask = async (text: string) => {
    const result = await session.run({ userInput: text }).wait();
    return result.events
      .flatMap((event) => (event.type === 'message' && event.item.role === 'assistant' ? [event.item.textContent ?? ''] : []))
      .join(' ');
  };
  return { call, session, ask };
}

describe('createModeController', () => {
  it('never switches a call in progress: setMode applies to calls that start afterwards', async () => {
    const controller = createModeController({ store: createMemoryStore(), modes, mode: 'cloud', createOptions: { env: {} } });
    const changes: unknown[] = [];
    controller.on('mode', (change) => changes.push(change));
    const first = await startCall(controller);
    expect(await first.ask('one')).toBe('From the cloud.');

    await controller.setMode('local');
    expect(changes).toEqual([{ from: 'cloud', to: 'local' }]);
    expect(await first.ask('two')).toBe('From the cloud.'); // same call, same stack

    const second = await startCall(controller);
    expect(second.call.mode).toBe('local');
    expect(await second.ask('three')).toBe('From the local model.');
    expect(controller.activeCalls).toBe(2);
    expect(controller.activeCallsByMode()).toEqual({ cloud: 1, local: 1 });

    await first.session.close();
    expect(controller.activeCalls).toBe(1);
    await second.session.close();
    expect(controller.activeCalls).toBe(0);
    await controller.close();
  });

  it('shares one stack per mode between calls, and counts calls until their session closes', async () => {
    const controller = createModeController({ store: createMemoryStore(), modes, mode: 'cloud', createOptions: { env: {} } });
    expect(await controller.stackOf('cloud')).toBeUndefined();
    const [a, b] = await Promise.all([controller.stackForCall(), controller.stackForCall()]);
    expect(a.stack).toBe(b.stack);
    expect(await controller.stackOf('cloud')).toBe(a.stack);
    expect(controller.activeCalls).toBe(2);
    a.release();
    a.release(); // idempotent
    expect(controller.activeCalls).toBe(1);
    const { session } = await startCall(controller);
    expect(controller.activeCalls).toBe(2);
    await session.close();
    b.release();
    expect(controller.activeCalls).toBe(0);
    await controller.close();
    await expect(controller.stackForCall()).rejects.toThrow(/mode controller is closed/);
  });

  it('uses the fallback mode when the preferred stack cannot be built (no Inference key), and says so', async () => {
    const controller = createModeController({
      store: createMemoryStore(),
      modes,
      mode: 'inference',
      fallbackMode: 'local',
      createOptions: { env: {} },
    });
    const events: ModeFallbackEvent[] = [];
    controller.on('fallback', (event) => events.push(event));
    const { call, session, ask } = await startCall(controller);
    expect(call.mode).toBe('local');
    expect(await ask('hi')).toBe('From the local model.');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from: 'inference', to: 'local' });
    expect(String((events[0]!.error as Error).message)).toMatch(/LIVEKIT_API_KEY/);
    // Within fallbackForMs, the next call goes straight to the fallback, without another failed build.
    const next = await controller.stackForCall();
    expect(next.mode).toBe('local');
    expect(events).toHaveLength(1);
    next.release();
    await session.close();
    await controller.close();
  });

  it.each([
    ['fallbackForMs', { fallbackForMs: 0 }],
    ['the deprecated retryAfterMs', { retryAfterMs: 0 }],
  ])('tries the failed mode again once %s has passed', async (_name, fallbackFor) => {
    const controller = createModeController({
      store: createMemoryStore(),
      modes,
      mode: 'inference',
      fallbackMode: 'local',
      ...fallbackFor,
      createOptions: { env: {} },
    });
    const events: ModeFallbackEvent[] = [];
    controller.on('fallback', (event) => events.push(event));
    for (const call of [await controller.stackForCall(), await controller.stackForCall()]) {
      expect(call.mode).toBe('local');
      call.release();
    }
    // Each call built the preferred stack again (and failed): with the default 30 s, the second would not have.
    expect(events.map((event) => event.from)).toEqual(['inference', 'inference']);
    await controller.close();
  });

  it('with `probe`, falls back when the preferred gateway rejects the stack, and uses it once it answers', async () => {
    gateway.reset();
    const env = { LIVEKIT_API_KEY: 'lk-key', LIVEKIT_API_SECRET: 'wrong-secret-000000' };
    const controller = createModeController({
      store: createMemoryStore(),
      modes,
      mode: 'inference',
      fallbackMode: 'cloud',
      probe: true,
      fallbackForMs: 0,
      createOptions: { env },
    });
    const failed = await controller.stackForCall();
    expect(failed.mode).toBe('cloud');
    failed.release();
    env.LIVEKIT_API_SECRET = 'lk-secret-0123456789';
    const { call, session, ask } = await startCall(controller);
    expect(call.mode).toBe('inference');
    expect(await ask('hi')).toBe('From Inference.');
    await session.close();
    await controller.close();
  });

  it('close() waits for calls in progress before closing their stack', async () => {
    const controller = createModeController({ store: createMemoryStore(), modes, mode: 'cloud', createOptions: { env: {} } });
    const { session, ask } = await startCall(controller);
    let closed = false;
    const closing = controller.close().then(() => (closed = true));
    expect(await ask('still there?')).toBe('From the cloud.');
    expect(closed).toBe(false); // a whole turn later, close() still waits for the call
    await session.close();
    await closing;
    expect(closed).toBe(true);
  });

  describe('close() while a call is starting', () => {
    /** Waits until `endpoint` received `count` requests (the build's probe reached it). */
    const reached = async (endpoint: typeof cloud, count = 1) => {
      expect(await eventually(() => endpoint.requests.length >= count)).toBe(true);
    };

    it("during the stack's build: the call gets STACK_CLOSED (not a closed stack), is not counted, and the stack is closed", async () => {
      cloud.reset();
      cloud.use({ delayMs: 300, times: 1 }); // the build's probe
      const closes = vi.spyOn(VoiceStack.prototype, 'close');
      try {
        const store = createMemoryStore();
        const controller = createModeController({ store, modes, mode: 'cloud', probe: true, createOptions: { env: {} } });
        const starting = controller.stackForCall('call-1').catch((error: unknown) => error);
        await reached(cloud);
        await controller.close();
        const error = await starting;
        expect(VoiceStackError.isInstance(error) && error.code).toBe('STACK_CLOSED');
        expect((error as Error).message).toBe(
          'Failed to start a call: the mode controller was closed while the call was starting. Fix: create a new controller for new calls (close() is for shutting down).',
        );
        expect(controller.activeCalls).toBe(0);
        expect(closes).toHaveBeenCalledTimes(1);
        expect(await controller.stackOf('cloud')).toBeUndefined();
      } finally {
        closes.mockRestore();
      }
    });

    it('during a failing build with a fallback mode: no fallback stack is built for the call', async () => {
      cloud.reset();
      local.reset();
      cloud.use({ delayMs: 300, status: 503, times: 1 });
      const controller = createModeController({
        store: createMemoryStore(),
        modes,
        mode: 'cloud',
        fallbackMode: 'local',
        probe: true,
        createOptions: { env: {} },
      });
      const fallbacks: ModeFallbackEvent[] = [];
      controller.on('fallback', (event) => fallbacks.push(event));
      const starting = controller.stackForCall().catch((error: unknown) => error);
      await reached(cloud);
      await controller.close();
      const error = await starting;
      expect(VoiceStackError.isInstance(error) && error.code).toBe('STACK_CLOSED');
      expect(local.requests).toEqual([]); // the fallback mode was never built (nor probed)
      expect(fallbacks).toEqual([]);
      expect(controller.activeCalls).toBe(0);
    });

    it('after a mode switch, while the new mode is being built: the same, and the call on the old mode ends normally', async () => {
      cloud.reset();
      local.reset();
      const switching = {
        cloud: modes.cloud,
        next: { llm: { provider: 'openai-compatible', baseURL: 'http://local.test/v1', model: 'next-model' } },
      } as const;
      const controller = createModeController({
        store: createMemoryStore(),
        modes: switching,
        mode: 'cloud',
        probe: true,
        createOptions: { env: {} },
      });
      const first = await startCall(controller);
      await controller.setMode('next');
      local.use({ delayMs: 300, times: 1 }); // the new mode's probe
      const starting = controller.stackForCall().catch((error: unknown) => error);
      await reached(local);
      const closing = controller.close();
      const error = await starting;
      expect(VoiceStackError.isInstance(error) && error.code).toBe('STACK_CLOSED');
      expect(controller.activeCallsByMode()).toEqual({ cloud: 1 });
      expect(await first.ask('still there?')).toBe('From the cloud.');
      await first.session.close();
      await closing;
      expect(controller.activeCalls).toBe(0);
    });
  });

  it('rejects unknown modes with the known ones', () => {
    expect(() => createModeController({ store: createMemoryStore(), modes, mode: 'nope' as never })).toThrow(
      /unknown mode "nope". Fix: use one of "cloud", "local", "inference"/,
    );
    const controller = createModeController({ store: createMemoryStore(), modes, mode: 'cloud' });
    expect(() => controller.setMode('other' as never)).toThrow(/unknown mode "other"/);
  });
});

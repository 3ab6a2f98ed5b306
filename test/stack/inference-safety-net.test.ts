import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack, voiceStackConfigFromEnv, type FallbackEvent } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';
import { KEYS, S0 } from '../helpers/setup-envs.js';

const gateway = mockOpenAIEndpoint({
  baseURL: 'https://agent-gateway.livekit.cloud/v1',
  reply: 'Hello from Inference.',
  auth: { livekit: { apiKey: KEYS.livekitKey, apiSecret: KEYS.livekitSecret } },
});
const openai = mockOpenAIEndpoint({
  baseURL: 'https://api.openai.com/v1',
  reply: 'Hello from the OpenAI plugin.',
  auth: { bearer: KEYS.openai },
});
useMswServer(...gateway.handlers, ...openai.handlers);

/** S0's LLM slot, as the env gives it (speech slots need their own mocks, exercised elsewhere). */
const llmOnly = (env: Record<string, string>) => ({ llm: voiceStackConfigFromEnv(env).llm });

describe('S0: LiveKit Inference with a safety net', () => {
  beforeAll(() => {
    gateway.reset();
    openai.reset();
  });
  afterAll(() => {
    gateway.reset();
    openai.reset();
  });

  it('flag off: the plugins answer, Inference is never called', async () => {
    gateway.reset();
    openai.reset();
    const stack = await createVoiceStack(llmOnly(S0(false)), { env: {} });
    const session = await startTextSession(stack);
    expect((await session.ask('Hi')).text).toBe('Hello from the OpenAI plugin.');
    await session.close();
    await stack.close();
    expect(gateway.chatRequests()).toHaveLength(0);
  });

  it('flag on with LiveKit credentials: Inference answers, signed with the LiveKit key', async () => {
    gateway.reset();
    openai.reset();
    const stack = await createVoiceStack(llmOnly(S0(true)), { env: {} });
    const session = await startTextSession(stack);
    expect((await session.ask('Hi')).text).toBe('Hello from Inference.');
    await session.close();
    await stack.close();
    expect(gateway.chatRequests('openai/gpt-4.1-mini')).toHaveLength(1);
    expect(openai.chatRequests()).toHaveLength(0);
  });

  it('flag on without LiveKit credentials: the stack starts on the plugins, says so in the banner and a fallback event', async () => {
    gateway.reset();
    openai.reset();
    const logger = recordingLogger();
    const stack = await createVoiceStack(llmOnly(S0(true, false)), { env: {}, logger });
    expect(logger.lines.join('\n')).toContain(
      'LiveKit Inference: UNAVAILABLE (no LiveKit credentials), running on the plugins, needs OPENAI_API_KEY',
    );
    expect(stack.options.llm.map((option) => option.label)).toEqual(['openai/gpt-4.1-mini']);
    const fallbacks: FallbackEvent[] = [];
    stack.on('fallback', (event) => fallbacks.push(event));
    const session = await startTextSession(stack);
    expect((await session.ask('Hi')).text).toBe('Hello from the OpenAI plugin.');
    await session.close();
    await stack.close();
    expect(fallbacks).toMatchObject([
      { modality: 'llm', from: 'inference/openai/gpt-4.1-mini', to: 'openai/gpt-4.1-mini', atStartup: true },
    ]);
    expect(fallbacks[0]!.sessionId).toEqual(expect.any(String));
    expect(fallbacks[0]!.error.message).toContain('Fix: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET');
    expect(gateway.requests).toHaveLength(0);
  });

  it('flag on, a refused Inference handshake (401): the call is answered by the plugin, with a fallback event', async () => {
    gateway.reset();
    openai.reset();
    const env = { ...S0(true), LIVEKIT_API_SECRET: 'a-wrong-secret-0123456789abcdef' };
    const stack = await createVoiceStack(llmOnly(env), { env: {} });
    const fallbacks: FallbackEvent[] = [];
    stack.on('fallback', (event) => fallbacks.push(event));
    const session = await startTextSession(stack);
    expect((await session.ask('Hi')).text).toBe('Hello from the OpenAI plugin.');
    await session.close();
    await stack.close();
    expect(fallbacks).toMatchObject([{ modality: 'llm', from: 'inference/openai/gpt-4.1-mini', to: 'openai/gpt-4.1-mini' }]);
    expect(fallbacks[0]!.error.category).toBe('auth');
  });

  it('only when neither can start is it an error', async () => {
    const env = { USE_LIVEKIT_INFERENCE: 'true' };
    await expect(createVoiceStack(voiceStackConfigFromEnv(env), { env: {} })).rejects.toThrow('LIVEKIT_API_KEY');
  });
});

import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { verifyLiveKitToken } from '../../src/testing/openai-endpoint.js';
import { useMswServer } from '../helpers/msw.js';

const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Hello from OpenAI.' });
const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello from OpenRouter.' });
const vllm = mockOpenAIEndpoint({ baseURL: 'http://vllm.internal:8000/v1', reply: 'Hello from vLLM.' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Hello from llama.cpp.', llamaCpp: true });
const gateway = mockOpenAIEndpoint({
  baseURL: 'https://agent-gateway.livekit.cloud/v1',
  reply: 'Hello from Inference.',
  auth: { livekit: { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' } },
});
useMswServer(...openai.handlers, ...openrouter.handlers, ...vllm.handlers, ...llama.handlers, ...gateway.handlers);

async function turn(config: Parameters<typeof createVoiceStack>[0], env: Record<string, string> = {}) {
  const stack = await createVoiceStack(config, { env });
  const session = await startTextSession(stack);
  try {
    return (await session.ask('Hi there')).text;
  } finally {
    await session.close();
    await stack.close();
  }
}

describe('LLM providers through a real text-mode AgentSession', () => {
  it('openai: sends the key as a bearer token and the model in the body', async () => {
    openai.reset();
    const reply = await turn({ llm: { provider: 'openai', model: 'gpt-4.1-mini' } }, { OPENAI_API_KEY: 'sk-test-openai' });
    expect(reply).toBe('Hello from OpenAI.');
    const [request] = openai.chatRequests();
    expect(request?.headers.authorization).toBe('Bearer sk-test-openai');
    expect(request?.model).toBe('gpt-4.1-mini');
    expect(request?.body).toMatchObject({ stream: true });
  });

  it('openai-compatible: reaches its own base URL, with no key required', async () => {
    vllm.reset();
    const reply = await turn({ llm: { provider: 'openai-compatible', baseURL: 'http://vllm.internal:8000/v1', model: 'qwen3-8b' } });
    expect(reply).toBe('Hello from vLLM.');
    expect(vllm.chatRequests('qwen3-8b')).toHaveLength(1);
  });

  it('openrouter: sends the attribution headers and the first model of the chain', async () => {
    openrouter.reset();
    const reply = await turn(
      {
        llm: {
          provider: 'openrouter',
          models: ['meta-llama/llama-3.3-70b-instruct:free', 'qwen/qwen-2.5-72b-instruct:free'],
          siteUrl: 'https://acme.example',
          appName: 'Acme Voice',
        },
      },
      { OPENROUTER_API_KEY: 'sk-or-test' },
    );
    expect(reply).toBe('Hello from OpenRouter.');
    const [request] = openrouter.chatRequests();
    expect(request?.headers.authorization).toBe('Bearer sk-or-test');
    expect(request?.headers['http-referer']).toBe('https://acme.example');
    expect(request?.headers['x-title']).toBe('Acme Voice');
    expect(request?.model).toBe('meta-llama/llama-3.3-70b-instruct:free');
  });

  it('openrouter: serverRouting sends the rest of the chain as `models`', async () => {
    openrouter.reset();
    await turn({ llm: { provider: 'openrouter', models: ['a/one', 'b/two'], serverRouting: true } }, { OPENROUTER_API_KEY: 'sk-or-test' });
    expect(openrouter.chatRequests()[0]?.body).toMatchObject({ model: 'a/one', models: ['a/one', 'b/two'] });
  });

  it('openrouter: honours a baseURL override', async () => {
    vllm.reset();
    await turn({ llm: { provider: 'openrouter', model: 'x/y', baseURL: 'http://vllm.internal:8000/v1' } }, { OPENROUTER_API_KEY: 'k' });
    expect(vllm.chatRequests('x/y')).toHaveLength(1);
  });

  it('llama-cpp: defaults to http://localhost:8080/v1', async () => {
    llama.reset();
    const reply = await turn({ llm: { provider: 'llama-cpp' } });
    expect(reply).toBe('Hello from llama.cpp.');
    expect(llama.chatRequests('local')).toHaveLength(1);
  });

  it('inference: signs a LiveKit token from the key and secret', async () => {
    gateway.reset();
    const reply = await turn(
      { llm: { provider: 'inference', model: 'openai/gpt-4.1-mini' } },
      { LIVEKIT_API_KEY: 'lk-key', LIVEKIT_API_SECRET: 'lk-secret-0123456789' },
    );
    expect(reply).toBe('Hello from Inference.');
    const [request] = gateway.chatRequests('openai/gpt-4.1-mini');
    const token = request!.headers.authorization!.replace('Bearer ', '');
    expect(verifyLiveKitToken(token, { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' })).toBe(true);
  });

  it('passes a ready llm.LLM instance through unchanged', async () => {
    const stack = await createVoiceStack({ llm: { provider: 'llama-cpp' } });
    const again = await createVoiceStack({ llm: stack.llm! });
    expect(again.llm).toBe(stack.llm);
    await again.close();
    await stack.close();
  });
});

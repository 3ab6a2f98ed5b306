import { describe, expect, it } from 'vitest';
import { createMemoryStore, createVoiceStack, voiceStackConfigFromEnv, type FallbackEvent } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { KEYS, S1, S2, S3, S4 } from '../helpers/setup-envs.js';

// Each setup's endpoints, at the URLs its `.env` names (or the provider's default), answering only its own key.
const groq = mockOpenAIEndpoint({ baseURL: 'https://api.groq.com/openai/v1', reply: 'Hello from Groq.', auth: { bearer: KEYS.groq } });
const s2LLM = mockOpenAIEndpoint({ baseURL: S2.OPENAI_BASE_URL, reply: 'Hello from the GPU server.', auth: { bearer: KEYS.openai } });
const openrouter = mockOpenAIEndpoint({
  baseURL: 'https://openrouter.ai/api/v1',
  reply: 'Hello from OpenRouter.',
  auth: { bearer: KEYS.openrouter },
});
const llama = mockOpenAIEndpoint({ baseURL: S3.LOCAL_LLM_BASE_URL, reply: 'Hello from the local llama.' });
const runpod = mockOpenAIEndpoint({ baseURL: S4('runpod_streaming').RUNPOD_A100_ENDPOINT!, reply: 'Hello from RunPod.' });
useMswServer(...groq.handlers, ...s2LLM.handlers, ...openrouter.handlers, ...llama.handlers, ...runpod.handlers);

/** One turn of a text call on the stack the setup's `.env` gives (its LLM slot; setup-speech.test.ts covers the speech slots). */
async function oneTurn(env: Record<string, string>, question = 'Hi') {
  const config = voiceStackConfigFromEnv(env);
  const fallbacks: FallbackEvent[] = [];
  // A memory store: a cooldown this test sets must not reach other tests through the machine's store.
  const stack = await createVoiceStack({ llm: config.llm!, retry: { initialDelayMs: 10 } }, { env: {}, store: createMemoryStore() });
  stack.on('fallback', (event) => fallbacks.push(event));
  const call = await startTextSession(stack);
  try {
    return { reply: (await call.ask(question)).text, fallbacks };
  } finally {
    await call.close();
    await stack.close();
  }
}

describe('a simulated turn for each replaced setup, from its .env as its team writes it', () => {
  it('S1 (env fallback of the backend setup): Groq answers, with GROQ_API_KEY and its default model', async () => {
    groq.reset();
    const { reply } = await oneTurn(S1);
    expect(reply).toBe('Hello from Groq.');
    expect(groq.chatRequests().map((request) => [request.model, request.headers.authorization])).toEqual([
      ['llama-3.3-70b-versatile', `Bearer ${KEYS.groq}`],
    ]);
  });

  it('S2: the GPU server answers with qwen-14b and the one OPENAI_API_KEY', async () => {
    s2LLM.reset();
    const { reply } = await oneTurn(S2);
    expect(reply).toBe('Hello from the GPU server.');
    expect(s2LLM.chatRequests().map((request) => [request.model, request.headers.authorization])).toEqual([
      ['qwen-14b', `Bearer ${KEYS.openai}`],
    ]);
  });

  it('S3: OpenRouter answers with the default model; when it fails, the local llama.cpp (the last resort) does', async () => {
    openrouter.reset();
    llama.reset();
    expect((await oneTurn(S3)).reply).toBe('Hello from OpenRouter.');
    expect(openrouter.chatRequests().map((request) => [request.model, request.headers.authorization])).toEqual([
      ['meta-llama/llama-3.3-70b-instruct:free', `Bearer ${KEYS.openrouter}`],
    ]);
    expect(llama.chatRequests()).toHaveLength(0);

    openrouter.reset();
    openrouter.use({ status: 503, times: 1 });
    const { reply, fallbacks } = await oneTurn(S3);
    expect(reply).toBe('Hello from the local llama.');
    expect(fallbacks).toMatchObject([{ from: 'openrouter/meta-llama/llama-3.3-70b-instruct:free', to: 'llama-cpp/local' }]);
    // The OpenRouter key never goes to the local server.
    expect(llama.chatRequests().map((request) => request.headers.authorization)).not.toContain(`Bearer ${KEYS.openrouter}`);
  });

  it('S4 (runpod_streaming): RunPod answers with RUNPOD_LLM_MODEL; OPENAI_API_KEY (the realtime key) is not sent to it', async () => {
    runpod.reset();
    const { reply } = await oneTurn(S4('runpod_streaming'));
    expect(reply).toBe('Hello from RunPod.');
    const [request] = runpod.chatRequests();
    expect(request?.model).toBe('Qwen/Qwen2.5-32B-Instruct');
    expect(request?.headers.authorization).not.toContain(KEYS.openai);
  });
});

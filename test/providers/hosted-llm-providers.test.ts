import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';

const groq = mockOpenAIEndpoint({ baseURL: 'https://api.groq.com/openai/v1', reply: 'Hello from Groq.' });
const gemini = mockOpenAIEndpoint({ baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', reply: 'Hello from Gemini.' });
const anthropic = mockOpenAIEndpoint({ baseURL: 'https://api.anthropic.com/v1', reply: 'Hello from Claude.' });
const azure = mockOpenAIEndpoint({ baseURL: 'https://acme.openai.azure.com/openai/deployments/voice-4o-mini', reply: 'Hello from Azure.' });
// The session prewarms the client with `GET /models`, which Azure serves per resource rather than per deployment.
const azureModels = http.get('https://acme.openai.azure.com/openai/models', () => HttpResponse.json({ data: [] }));
useMswServer(...groq.handlers, ...gemini.handlers, ...anthropic.handlers, ...azure.handlers, azureModels);

async function turn(config: Parameters<typeof createVoiceStack>[0], env: Record<string, string>) {
  const stack = await createVoiceStack(config, { env });
  const session = await startTextSession(stack);
  try {
    return { reply: (await session.ask('Hi there')).text, label: stack.options.llm[0]!.label, health: await stack.health() };
  } finally {
    await session.close();
    await stack.close();
  }
}

describe('hosted LLM providers: their own endpoint, key variable and default model', () => {
  it('groq: GROQ_API_KEY as a bearer token, llama-3.3-70b-versatile by default', async () => {
    const { reply, label, health } = await turn({ llm: { provider: 'groq' } }, { GROQ_API_KEY: 'gsk-test-groq' });
    expect(reply).toBe('Hello from Groq.');
    expect(label).toBe('groq/llama-3.3-70b-versatile');
    expect(groq.chatRequests('llama-3.3-70b-versatile')[0]?.headers.authorization).toBe('Bearer gsk-test-groq');
    expect(health.ok).toBe(true);
  });

  it('gemini: GOOGLE_API_KEY when GEMINI_API_KEY is unset', async () => {
    const { reply } = await turn({ llm: { provider: 'gemini', model: 'gemini-2.5-pro' } }, { GOOGLE_API_KEY: 'g-test-google' });
    expect(reply).toBe('Hello from Gemini.');
    expect(gemini.chatRequests('gemini-2.5-pro')[0]?.headers.authorization).toBe('Bearer g-test-google');
  });

  it('anthropic: ANTHROPIC_API_KEY, claude-haiku-4-5 by default', async () => {
    const { reply } = await turn({ llm: { provider: 'anthropic' } }, { ANTHROPIC_API_KEY: 'ant-test-key' });
    expect(reply).toBe('Hello from Claude.');
    expect(anthropic.chatRequests('claude-haiku-4-5')[0]?.headers.authorization).toBe('Bearer ant-test-key');
  });

  it('azure-openai: the deployment path, api-version and api-key header from the AZURE_OPENAI_* variables', async () => {
    const { reply, label, health } = await turn(
      { llm: { provider: 'azure-openai', deployment: 'voice-4o-mini' } },
      { AZURE_OPENAI_API_KEY: 'az-test-key', AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com' },
    );
    expect(reply).toBe('Hello from Azure.');
    expect(label).toBe('azure-openai/voice-4o-mini');
    const [request] = azure.chatRequests();
    expect(request?.headers['api-key']).toBe('az-test-key');
    expect(new URL(request!.url).searchParams.get('api-version')).toBe('2024-10-21');
    expect(health.ok).toBe(true);
  });

  it('a missing key names the variable to set', async () => {
    await expect(createVoiceStack({ llm: { provider: 'anthropic' } }, { env: {} })).rejects.toThrow('ANTHROPIC_API_KEY');
    await expect(
      createVoiceStack({ llm: { provider: 'azure-openai', deployment: 'd' } }, { env: { AZURE_OPENAI_API_KEY: 'k' } }),
    ).rejects.toThrow('Fix: set `endpoint: "https://my-resource.openai.azure.com"` or AZURE_OPENAI_ENDPOINT.');
  });
});

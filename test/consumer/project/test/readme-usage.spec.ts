// The README's usage example, as written, against the /testing mocks (no network, no key).
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { localOnly, mockOpenAIEndpoint } from 'livekit-voice-stack/testing';

const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello! How can I help you today?' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Hello from llama.cpp.', llamaCpp: true });
const server = setupServer(...openrouter.handlers, ...llama.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: localOnly }));
afterAll(() => server.close());

it('README "Usage" runs as written', async () => {
  vi.stubEnv('OPENROUTER_API_KEY', 'sk-or-consumer');
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await import('../blocks/readme-usage.js');
  expect(log).toHaveBeenCalledWith(['Hello! How can I help you today?']);
  expect(openrouter.chatRequests('meta-llama/llama-3.3-70b-instruct:free')).toHaveLength(1);
  expect(openrouter.chatRequests()[0]?.headers.authorization).toBe('Bearer sk-or-consumer');
});

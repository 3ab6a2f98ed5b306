// The msw 2 project of the consumer test: the llama.cpp mock's /health through stack.health().
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createVoiceStack } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint } from 'livekit-voice-stack/testing';

const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', llamaCpp: true });
const server = setupServer(...llama.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: localOnly }));
afterAll(() => server.close());

it('stack.health() reports the llama.cpp mock healthy under msw 2', async () => {
  const stack = await createVoiceStack({ llm: { provider: 'llama-cpp' } });
  try {
    const report = await stack.health({ timeoutMs: 2_000 });
    expect(report.results.map(({ status, error }) => ({ status, error }))).toEqual([{ status: 'ok', error: undefined }]);
    expect(llama.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /health']);
  } finally {
    await stack.close();
  }
});

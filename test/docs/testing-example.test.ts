import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createVoiceStack } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint, startTextSession } from 'livekit-voice-stack/testing';

const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'We open at nine.' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Local answer.', llamaCpp: true });
const server = setupServer(...openrouter.handlers, ...llama.handlers);

beforeAll(() => server.listen({ onUnhandledFrame: localOnly }));
afterAll(() => server.close());

it('answers from the first model, and falls back when it is rate-limited', async () => {
  const stack = await createVoiceStack(
    { llm: [{ provider: 'openrouter', models: ['a/one', 'b/two'] }, { provider: 'llama-cpp' }] },
    { env: { OPENROUTER_API_KEY: 'test-key' } },
  );
  const session = await startTextSession(stack, { instructions: 'You are the front desk of a bakery.' });

  expect((await session.ask('When do you open?')).text).toBe('We open at nine.');
  expect(openrouter.chatRequests('a/one')).toHaveLength(1);

  openrouter.use({ model: 'a/one', status: 429, retryAfter: 30 });
  expect((await session.ask('And on Sunday?')).text).toBe('We open at nine.');
  expect(openrouter.chatRequests('b/two')).toHaveLength(1); // the second model answered

  await session.close();
  await stack.close();
});

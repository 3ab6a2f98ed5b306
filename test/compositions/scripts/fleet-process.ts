// A worker process of docs/operations.md's fleet ("Pointing a fleet at Redis"): one Redis store per process, passed as
// `store` to everything that shares state. `fleet-process.ts call|plain`: `call` takes a call from a mode controller
// (modes `pipeline`: OpenAI then llama.cpp; `local`: llama.cpp), `plain` builds `createVoiceStack(config, { store })`;
// either answers one turn against in-process mocks (OpenAI rate-limited with Retry-After 300 when PRIMARY_FAILS=1),
// prints one JSON line `{ mode, answer, openaiRequests }`, closes everything and prints the closing marker.
import { setupServer } from 'msw/node';
import { createModeController, createRedisStore, createVoiceStack, type VoiceStackConfig } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint, startTextSession } from 'livekit-voice-stack/testing';

const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'From OpenAI.' });
const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'From llama.cpp.', llamaCpp: true });
const server = setupServer(...openai.handlers, ...llama.handlers);
server.listen({ onUnhandledFrame: localOnly });
if (process.env.PRIMARY_FAILS === '1') openai.use({ status: 429, retryAfter: 300 }); // long enough to outlast a slow machine's process start-up

const pipeline: VoiceStackConfig<never> = {
  llm: [{ provider: 'openai', model: 'gpt-4.1-mini' }, { provider: 'llama-cpp' }],
};
const local: VoiceStackConfig<never> = { llm: { provider: 'llama-cpp' } };

const store = await createRedisStore({ url: process.env.REDIS_URL! });
let mode = 'plain';
let answer: string;
if (process.argv[2] === 'call') {
  const modes = createModeController({ modes: { pipeline, local }, mode: 'pipeline', store });
  const call = await modes.stackForCall();
  mode = call.mode;
  const session = await startTextSession(call.stack);
  answer = (await session.ask('Hello?')).text;
  await session.close();
  call.release();
  await modes.close();
} else {
  const stack = await createVoiceStack(pipeline, { store });
  const session = await startTextSession(stack);
  answer = (await session.ask('Hello?')).text;
  await session.close();
  await stack.close();
}
console.log(JSON.stringify({ mode, answer, openaiRequests: openai.chatRequests().length }));
await store.close();
server.close();
console.error('composition: closed');

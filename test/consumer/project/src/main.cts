// The CommonJS build, required as a CJS program does: a text turn against the mocks, events, and error names.
import { inspect } from 'node:util';
import { setupServer } from 'msw/node';
import { ConfigError, createVoiceStack, type VoiceStackConfig } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint, startTextSession } from 'livekit-voice-stack/testing';

async function main(): Promise<void> {
  const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'Hello from CommonJS.' });
  const server = setupServer(...openai.handlers);
  server.listen({ onUnhandledFrame: localOnly });
  const config: VoiceStackConfig = {
    llm: [
      { provider: 'openai', model: 'a' },
      { provider: 'openai', model: 'b' },
    ],
    verbal: false, // no holding phrase: on a loaded machine it could come before the fallback's answer
  };
  const stack = await createVoiceStack(config, { env: { OPENAI_API_KEY: 'sk-consumer' } });
  const fallbacks: string[] = [];
  stack.on('fallback', ({ from, to }) => fallbacks.push(`${from} -> ${to}`));
  const session = await startTextSession(stack);
  openai.use({ model: 'a', status: 500, times: 1 });
  const reply = await session.ask('Hi');
  await session.close();
  await stack.close();
  server.close();

  const error = await createVoiceStack({ llm: { provider: 'openia' } } as never).catch((e: unknown) => e);
  const checks: [string, boolean][] = [
    [`reply "${reply.text}"`, reply.text === 'Hello from CommonJS.'],
    [`fallbacks ${JSON.stringify(fallbacks)}`, fallbacks.join() === 'openai/a -> openai/b'],
    [`error prints as "${inspect(error).split(':')[0]}"`, error instanceof ConfigError && inspect(error).startsWith('ConfigError: ')],
  ];
  for (const [what, ok] of checks) console.log(`${ok ? 'ok' : 'FAILED'}: ${what}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

void main();

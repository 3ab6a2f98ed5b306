/**
 * The Acme adapter in a chain with a local llama.cpp behind it, run against local mocks of both (Acme is fictional):
 *
 *   npm run example:custom-adapter
 */
import { setupServer } from 'msw/node';
import { createMemoryStore, createVoiceStack } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint, startTextSession } from 'livekit-voice-stack/testing';
import { acmeLLM } from './acme-llm-adapter.js';

export async function run({ print = true }: { print?: boolean } = {}): Promise<string[]> {
  const acme = mockOpenAIEndpoint({ baseURL: 'https://eu.api.acme.test/v1', reply: 'Acme here: your parcel ships today.' });
  const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Local model here: it ships today.', llamaCpp: true });
  const server = setupServer(...acme.handlers, ...llama.handlers);
  server.listen({ onUnhandledFrame: localOnly });
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const stack = await createVoiceStack(
    { llm: [{ provider: 'acme', region: 'eu' }, { provider: 'llama-cpp' }] },
    // The endpoints are mocks of this process: so is the state (the default machine store would keep this run's
    // Acme cooldown for the next run, whose first question would go to llama.cpp).
    { adapters: [acmeLLM], env: { ACME_API_KEY: 'demo-key' }, logger: quiet, store: createMemoryStore() },
  );
  stack.on('fallback', ({ from, to, error }) => log(`   (fallback ${from} → ${to}: ${error.category})`));
  const replies: string[] = [];
  const log = (line: string) => (print ? console.log(line) : undefined);
  const session = await startTextSession(stack, { instructions: 'You answer questions about parcels.' });
  try {
    for (const [question, outage] of [
      ['When does my parcel ship?', false],
      ['Are you sure?', true],
    ] as const) {
      if (outage) acme.use({ status: 429, retryAfter: 30 }); // Acme rate-limits: the chain falls back to llama.cpp
      log(`user:  ${question}`);
      const { text } = await session.ask(question);
      replies.push(text);
      log(`agent: ${text}`);
    }
    return replies;
  } finally {
    await session.close();
    await stack.close();
    server.close();
  }
}

if (process.argv[1]?.endsWith('main.ts')) await run();

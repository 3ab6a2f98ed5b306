/**
 * Organisation-scoped stacks: each organisation's providers come from your backend, cached per organisation.
 *
 * Runs without keys or network: the backend and the two LLM endpoints are mocked with msw.
 *   npx tsx examples/org-scoped/org-scoped.ts
 *
 * In production, drop the mocks and point `url` at your backend (see docs/operations.md for the contract).
 */
import { setupServer } from 'msw/node';
import { createMemoryStore, createProviderResolver, createVoiceStack } from 'livekit-voice-stack';
import { localOnly, mockOpenAIEndpoint, mockProviderBackend, startTextSession } from 'livekit-voice-stack/testing';

/** Plays the scenario and returns what it printed (for the smoke test). */
export async function run({ print = true }: { print?: boolean } = {}): Promise<string[]> {
  const output: string[] = [];
  const log = (line: string) => {
    output.push(line);
    if (print) console.log(line);
  };
  const backend = mockProviderBackend({
    url: 'https://api.platform.example',
    orgs: {
      acme: {
        llm: [
          {
            provider: 'openai-compatible',
            config: { baseURL: 'https://acme-vllm.example/v1', model: 'qwen3-8b' },
            secrets: { apiKey: 'acme-key-000000001' },
            priority: 10,
          },
        ],
      },
      globex: {
        llm: [
          {
            provider: 'openai-compatible',
            config: { baseURL: 'https://globex-llm.example/v1', model: 'llama-3.3-70b' },
            secrets: { apiKey: 'globex-key-00000002' },
            priority: 10,
          },
        ],
      },
    },
  });
  const acmeLLM = mockOpenAIEndpoint({ baseURL: 'https://acme-vllm.example/v1', reply: "Acme's own model here." });
  const globexLLM = mockOpenAIEndpoint({ baseURL: 'https://globex-llm.example/v1', reply: "Globex's model here." });
  const server = setupServer(...backend.handlers, ...acmeLLM.handlers, ...globexLLM.handlers);
  server.listen({ onUnhandledFrame: localOnly });

  // The backend is a mock of this process: so is the state (the default machine store would hand the next run this
  // run's cache and backoff, and its first globex call would fail). In production, leave `store` out (or use Redis).
  const store = createMemoryStore();
  const resolver = createProviderResolver({ url: backend.url, apiKey: 'platform-backend-key', ttlMs: 60_000, envFallback: false, store });

  /** What a job entry does for an incoming call of `orgId`. */
  async function answerCall(orgId: string, question: string): Promise<void> {
    const stack = await createVoiceStack(await resolver.resolve(orgId), { store });
    const session = await startTextSession(stack);
    try {
      const { text } = await session.ask(question);
      log(`${orgId.padEnd(7)} ${stack.toString()}\n        → ${text}`);
    } finally {
      await session.close();
      await stack.close();
    }
  }

  await Promise.all([answerCall('acme', 'Hello?'), answerCall('globex', 'Hello?'), answerCall('acme', 'Still there?')]);
  log(`backend requests: ${backend.requests.length} (3 per organisation: concurrent calls shared one load)`);

  // The backend goes down: cached organisations keep working.
  backend.use({ status: 503 });
  await resolver.invalidate('globex'); // pretend globex's entry was never loaded
  await answerCall('acme', 'Are you up?');
  await answerCall('globex', 'Are you up?').catch((error: Error) => log(`globex  ✗ ${error.message.split('\n')[0]}`));

  server.close();
  return output;
}

if (process.argv[1]?.endsWith('org-scoped.ts')) await run();
